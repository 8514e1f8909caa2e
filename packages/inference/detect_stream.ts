import type { BadImage, DecodedImage } from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import { Effect, Stream } from "effect"
import type { InferenceOptions } from "./config.ts"
import { checkInferenceOptions, detectScaledImage } from "./detect_image.ts"
import { type DecodeOptions, preparedImages } from "./image_stream.ts"
import type { ImageDetections } from "./merge_scales.ts"

/** One input's detections; `index` is its position in the input stream (skipped images leave gaps). */
export interface DetectedImage<A> {
  readonly input: A
  readonly index: number
  /** The decoded image (its size frames the boxes; its pixels serve pictures). */
  readonly image: DecodedImage
  readonly detections: ImageDetections
}

/**
 * {@link detectImage} over a stream of inputs, in input order: the next images are decoded and resized while
 * the network runs on the current one (bounded: `concurrency` images ahead).
 */
export function detectStream<A, E = never, R = never>(
  detector: Detector,
  inputs: Stream.Stream<A, E, R> | Iterable<A>,
  options: InferenceOptions & DecodeOptions<A>,
): Stream.Stream<DetectedImage<A>, E | BadImage, R> {
  checkInferenceOptions(options)
  return preparedImages(inputs, {
    ...options,
    stride: detector.config.anchors.stride,
    normalization: detector.config.normalization,
  }).pipe(
    Stream.mapEffect(({ input, index, image, scaled }) =>
      Effect.sync(() => ({
        input,
        index,
        image,
        detections: detectScaledImage(detector, { width: image.width, height: image.height, scaled }, options),
      })),
    ),
  )
}
