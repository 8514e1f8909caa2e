import type { BadImage, DecodedImage } from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import { Stream } from "effect"
import type { InferenceOptions } from "./config.ts"
import { checkInferenceOptions } from "./detect_image.ts"
import { detectTask } from "./detector_worker.ts"
import type { DecodeOptions } from "./image_stream.ts"
import {
  type ImageRunOptions,
  type ImageWorkerOptions,
  type InferenceWorkerFailed,
  imageResults,
} from "./image_workers.ts"
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
 * the network runs on the current ones (bounded: `concurrency` images ahead). With `workers` > 1 the images are
 * spread over that many threads, each with a replica of `detector`: the same detections, bit for bit.
 */
export function detectStream<A, E = never, R = never>(
  detector: Detector,
  inputs: Stream.Stream<A, E, R> | Iterable<A>,
  options: InferenceOptions &
    DecodeOptions<A> &
    ImageWorkerOptions &
    Pick<ImageRunOptions<A, InferenceOptions, ImageDetections>, "imageName" | "onPool">,
): Stream.Stream<DetectedImage<A>, E | BadImage | InferenceWorkerFailed, R> {
  checkInferenceOptions(options)
  const { scales, validRanges, merge, maxPerImage, scoreThreshold } = options
  return imageResults(detector, inputs, {
    ...options,
    entry: options.entry ?? new URL("./detector_worker.ts", import.meta.url),
    task: detectTask,
    taskOptions: { scales, validRanges, merge, maxPerImage, scoreThreshold },
  }).pipe(Stream.map(({ result, ...rest }) => ({ ...rest, detections: result })))
}
