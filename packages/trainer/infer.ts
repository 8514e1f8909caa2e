import { scaledSize, scaleForResolution, type ValidRange } from "@sniper/boxes"
import { cutChip, type DecodedImage } from "@sniper/coco-io"
import { type Detector, detect } from "@sniper/detector-model"
import { type MergedDetections, mergeScales, type ScaleDetections } from "@sniper/evaluator"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"

/** How SNIPER runs one image at test time (SNIPER.md section 6). */
export interface InferenceOptions {
  /** Test scales in resolution form, finest first. */
  readonly scales: ReadonlyArray<{ readonly short: number; readonly long: number }>
  /** Per scale, the sizes (lo, hi] in original px its detections are kept for; -1 = unbounded. */
  readonly validRanges: ReadonlyArray<ValidRange>
  readonly merge: "soft-nms" | "nms"
  readonly maxPerImage: number
  readonly scoreThreshold: number
}

/**
 * Detections of one decoded image over all test scales: each scale sees the whole image resized by its
 * (short, long) rule (padded to a square multiple of the stride), keeps its detections whose size is in its
 * valid range, and the scales are merged per class (Gaussian Soft-NMS by default). Boxes in original px.
 */
export const detectMultiScale = Effect.fn("detectMultiScale")(function* (
  detector: Detector,
  image: DecodedImage,
  options: InferenceOptions,
) {
  const stride = detector.config.anchors.stride
  const perScale: Array<ScaleDetections> = []
  for (const [i, { short, long }] of options.scales.entries()) {
    const s = scaleForResolution(image.width, image.height, short, long)
    const [w, h] = scaledSize(image.width, image.height, s)
    const size = Math.max(stride, Math.ceil(Math.max(w, h) / stride) * stride)
    const pixels = yield* cutChip(
      image,
      { x1: 0, y1: 0, x2: image.width, y2: image.height, scale: s },
      { size, normalization: detector.config.normalization },
    )
    const input = tf.tensor4d(pixels, [1, size, size, 3])
    const [found] = yield* Effect.sync(() =>
      detect(detector, input, { scoreThreshold: options.scoreThreshold, maxDetections: options.maxPerImage }),
    ).pipe(Effect.ensuring(Effect.sync(() => input.dispose())))
    const boxes = new Float64Array(4 * found.count)
    for (let k = 0; k < 4 * found.count; k++) boxes[k] = found.boxes[k] / s
    perScale.push({ boxes, scores: found.scores, classes: found.classes, validRange: options.validRanges[i] })
  }
  const merged: MergedDetections = mergeScales(perScale, {
    ...(options.merge === "nms" ? { nms: { iouThreshold: 0.5 } } : {}),
    scoreThreshold: options.scoreThreshold,
    maxPerImage: options.maxPerImage,
  })
  return merged
})
