import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import type { DetectorConfig } from "./config.ts"
import type { Init, Parameters, ParamSpec } from "./parameters.ts"
import { createParameters, param } from "./parameters.ts"
import { backboneChannels, resnetForward, resnetSpecs, type StatisticsSink } from "./resnet.ts"

/** A Faster R-CNN as a value: its validated config and its named tensors. */
export interface Detector {
  readonly config: DetectorConfig
  readonly params: Parameters
}

/** Anchors per feature-map cell. */
export function anchorCount(config: DetectorConfig): number {
  return config.anchors.scales.length * config.anchors.ratios.length
}

/** Channels of the res4 ‖ res5 feature map the heads read. */
export function featureChannels(config: DetectorConfig): number {
  const { res4, res5 } = backboneChannels(config.backbone)
  return res4 + res5
}

/** Every parameter of the detector: the backbone (torchvision names), then "rpn.*" and "roi.*" (normal 0.01 init,
 * zero biases, as the reference initialises its new layers). */
export function detectorSpecs(config: DetectorConfig): Array<ParamSpec> {
  const c = featureChannels(config)
  const a = anchorCount(config)
  const { rpn, roi } = config
  const normal: Init = { kind: "normal", std: 0.01 }
  const zero: Init = { kind: "constant", value: 0 }
  const layer = (name: string, shape: Array<number>, std = normal): Array<ParamSpec> => [
    { name: `${name}.weight`, shape, init: std, trainable: true },
    { name: `${name}.bias`, shape: [shape.at(-1)!], init: zero, trainable: true },
  ]
  return [
    ...resnetSpecs(config.backbone),
    ...layer("rpn.conv", [3, 3, c, rpn.channels]),
    ...layer("rpn.cls", [1, 1, rpn.channels, a]),
    ...layer("rpn.box", [1, 1, rpn.channels, 4 * a]),
    ...layer("roi.conv", [1, 1, c, roi.channels]),
    ...layer("roi.fc1", [roi.poolSize * roi.poolSize * roi.channels, roi.fcDim]),
    ...layer("roi.fc2", [roi.fcDim, roi.fcDim]),
    ...layer("roi.cls", [roi.fcDim, config.numClasses + 1]),
    ...layer("roi.box", [roi.fcDim, 4], { kind: "normal", std: 0.001 }),
  ]
}

/** A freshly initialised detector (seeded: same seed, same weights). Assumes `config` was decoded. */
export function createDetector(config: DetectorConfig, options: { readonly seed: number }): Detector {
  return { config, params: createParameters(detectorSpecs(config), new Prng([options.seed]).asFunction()) }
}

/** Frees the detector's tensors. */
export function disposeDetector(detector: Detector): void {
  for (const v of detector.params.variables.values()) v.dispose()
}

/** Checks an input batch: NHWC, 3 channels, sides a positive multiple of the stride. */
export function checkInput(images: tf.Tensor4D, stride: number, verb: string): void {
  const [n, h, w, c] = images.shape
  if (images.rank !== 4 || c !== 3 || n < 1)
    throw new RangeError(`Cannot ${verb}: images must be [N, H, W, 3], current shape is [${images.shape}]`)
  if (h % stride !== 0 || w % stride !== 0 || h === 0 || w === 0)
    throw new RangeError(
      `Cannot ${verb}: image height and width must be positive multiples of the stride ${stride}, current value is ${h}x${w}`,
    )
}

/** res4 ‖ res5: [N, H/16, W/16, featureChannels]. `recompute`, `onStatistics`: see ForwardOptions (training
 * only). */
export function detectorFeatures(
  detector: Detector,
  images: tf.Tensor4D,
  training: boolean,
  options?: { readonly recompute?: boolean | undefined; readonly onStatistics?: StatisticsSink | undefined },
): tf.Tensor4D {
  const { res4, res5 } = resnetForward(detector.params, images, {
    config: detector.config.backbone,
    training,
    recompute: options?.recompute,
    onStatistics: options?.onStatistics,
  })
  return tf.concat([res4, res5], 3)
}

function conv1x1OrMore(detector: Detector, name: string, x: tf.Tensor4D, pad: number): tf.Tensor4D {
  const w = param(detector.params, `${name}.weight`) as unknown as tf.Tensor4D
  return tf.add(tf.conv2d(x, w, 1, pad), param(detector.params, `${name}.bias`))
}

/** RPN head: objectness logits [N, h, w, A] and deltas [N, h, w, 4A] (anchor a's deltas at channels 4a..4a+3). */
export function rpnHead(detector: Detector, features: tf.Tensor4D): { logits: tf.Tensor4D; deltas: tf.Tensor4D } {
  const hidden = tf.relu(conv1x1OrMore(detector, "rpn.conv", features, 1))
  return {
    logits: conv1x1OrMore(detector, "rpn.cls", hidden, 0),
    deltas: conv1x1OrMore(detector, "rpn.box", hidden, 0),
  }
}

/** The RoI head's 1x1 conv (with ReLU) on the features; RoIAlign reads its output. */
export function roiFeatures(detector: Detector, features: tf.Tensor4D): tf.Tensor4D {
  return tf.relu(conv1x1OrMore(detector, "roi.conv", features, 0))
}

function dense(detector: Detector, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(
    tf.matMul(x, param(detector.params, `${name}.weight`) as tf.Tensor2D),
    param(detector.params, `${name}.bias`),
  )
}

/** The box head on pooled RoIs [R, p, p, C]: class logits [R, K + 1] and class-agnostic deltas [R, 4]. */
export function boxHead(detector: Detector, pooled: tf.Tensor4D): { logits: tf.Tensor2D; deltas: tf.Tensor2D } {
  const [r, p, q, c] = pooled.shape
  const flat = tf.reshape(pooled, [r, p * q * c]) as tf.Tensor2D
  const h1 = tf.relu(dense(detector, "roi.fc1", flat))
  const h2 = tf.relu(dense(detector, "roi.fc2", h1))
  return { logits: dense(detector, "roi.cls", h2), deltas: dense(detector, "roi.box", h2) }
}
