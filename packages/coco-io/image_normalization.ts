/**
 * How 8-bit pixels become network input: `(value - mean[c]) / std[c]` per output channel, channels in `order`.
 * Mean and std are in 0..255 units and listed in output channel order. A detector's config names the one its
 * weights expect (`detector.normalization`), and the trainer's chips and every inference path pass it on.
 */
export interface Normalization {
  readonly order: "rgb" | "bgr"
  readonly mean: readonly [number, number, number]
  readonly std: readonly [number, number, number]
}

/** ImageNet mean/std (torchvision's 0.485, 0.456, 0.406 / 0.229, 0.224, 0.225 times 255), RGB order: what
 * torchvision's pretrained ResNets expect, and the default wherever no normalization is given. */
export const imagenetNormalization: Normalization = {
  order: "rgb",
  mean: [123.675, 116.28, 103.53],
  std: [58.395, 57.12, 57.375],
}

/** The SNIPER reference (Caffe/MXNet): BGR order minus the BGR means, no division. */
export const caffeBgrNormalization: Normalization = {
  order: "bgr",
  mean: [103.939, 116.779, 123.68],
  std: [1, 1, 1],
}
