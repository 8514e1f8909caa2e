import { cutChip, type DecodedImage, type Normalization } from "@sniper/coco-io"
import { Effect } from "effect"
import { type Resolution, type ScaleGeometry, scaleGeometry } from "./scale_geometry.ts"

/** One test scale's network input: the whole image resized, zero-padded to multiples of the stride, HWC rows of
 * `geometry.inputWidth` pixels (one NHWC batch row). */
export interface ScaledImage {
  readonly geometry: ScaleGeometry
  readonly pixels: Float32Array
}

/**
 * The image resized at every test scale with coco-io's resize and normalisation (as training chips are cut), each
 * padded only to the stride. Effectful: sharp resizes off the main thread, so it overlaps with the network.
 */
export const scaleImage = Effect.fn("scaleImage")(function* (
  image: DecodedImage,
  options: {
    readonly scales: ReadonlyArray<Resolution>
    readonly stride: number
    /** The detector's `normalization`; default coco-io's (ImageNet, RGB), as training chips. */
    readonly normalization?: Normalization | undefined
  },
) {
  const out: Array<ScaledImage> = []
  for (const resolution of options.scales) {
    const geometry = scaleGeometry(image.width, image.height, resolution, options.stride)
    const { inputWidth: w, inputHeight: h } = geometry
    // cutChip fills a square canvas; its top-left w x h is the padded input (the rest is zeros past the content).
    const size = Math.max(w, h)
    const square = yield* cutChip(
      image,
      { x1: 0, y1: 0, x2: image.width, y2: image.height, scale: geometry.scale },
      { size, normalization: options.normalization },
    )
    let pixels = square.subarray(0, h * w * 3)
    if (w !== size) {
      pixels = new Float32Array(h * w * 3)
      for (let y = 0; y < h; y++) pixels.set(square.subarray(y * size * 3, (y * size + w) * 3), y * w * 3)
    }
    out.push({ geometry, pixels })
  }
  return out
})
