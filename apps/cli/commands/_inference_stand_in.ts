/**
 * A private stand-in for `@sniper/inference`'s `detectStream`, with its API, until that package lands (it then
 * replaces this file): trainer's `detectMultiScale` per image, boxes clipped to the image, the detector's
 * classes 1..K as category rows 0..K-1.
 */
import { clipBoxesInPlace } from "@sniper/boxes"
import { type BadImage, type BadImageLog, type DecodedImage, skipBadImages } from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import { detectMultiScale, type InferenceOptions } from "@sniper/trainer"
import { Effect, Stream } from "effect"

export type { InferenceOptions }

/** One image's detections: boxes xyxy continuous original px inside the image, category rows 0..K-1, best first. */
export interface ImageDetections {
  readonly count: number
  readonly boxes: Float64Array
  readonly scores: Float64Array
  readonly categories: Int32Array
  readonly scale: Int32Array
}

/** One input's result: `index` is its position in `inputs`. */
export interface DetectedImage<A> {
  readonly input: A
  readonly index: number
  readonly image: { readonly width: number; readonly height: number }
  readonly detections: ImageDetections
}

/**
 * Each input decoded and run at every test scale, in order. With `badImages`, an input whose decoding fails is
 * recorded there and skipped; without it the stream fails.
 */
export function detectStream<A>(
  detector: Detector,
  inputs: Iterable<A>,
  options: InferenceOptions & {
    readonly decode: (input: A) => Effect.Effect<DecodedImage, BadImage>
    readonly badImages?: BadImageLog
  },
): Stream.Stream<DetectedImage<A>, BadImage> {
  const indexed = Stream.fromIterable(Array.from(inputs, (input, index) => ({ input, index })))
  const run = ({ input, index }: { readonly input: A; readonly index: number }) =>
    Effect.gen(function* () {
      const decoded = yield* options.decode(input)
      const merged = yield* detectMultiScale(detector, decoded, options)
      const detections: ImageDetections = {
        count: merged.count,
        boxes: clipBoxesInPlace(Float64Array.from(merged.boxes), decoded.width, decoded.height),
        scores: merged.scores,
        categories: merged.classes.map((c) => c - 1),
        scale: merged.scale,
      }
      return { input, index, image: { width: decoded.width, height: decoded.height }, detections }
    })
  return options.badImages === undefined
    ? Stream.mapEffect(indexed, run)
    : indexed.pipe(skipBadImages(options.badImages, run))
}
