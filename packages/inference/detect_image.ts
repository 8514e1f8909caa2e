import type { DecodedImage } from "@sniper/coco-io"
import { type Detections, type Detector, detect } from "@sniper/detector-model"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import type { InferenceOptions } from "./config.ts"
import { type ImageDetections, type MergeOptions, mergeScales, type ScaleDetections } from "./merge_scales.ts"
import { toOriginalFrame } from "./original_frame.ts"
import { type ScaledImage, scaleImage } from "./scaled_image.ts"

/** An image at every test scale, ready for the network (see `scaleImage`). */
export interface ScaledImages {
  readonly width: number
  readonly height: number
  readonly scaled: ReadonlyArray<ScaledImage>
}

/** {@link mergeScales}' options for an {@link InferenceOptions}. */
export function mergeOptionsOf(options: InferenceOptions): MergeOptions {
  return {
    nms: options.merge === "nms" ? { iouThreshold: 0.5 } : undefined,
    scoreThreshold: options.scoreThreshold,
    maxPerImage: options.maxPerImage,
  }
}

/** Throws when the options cannot run: one valid range per test scale. */
export function checkInferenceOptions(options: InferenceOptions): void {
  if (options.validRanges.length !== options.scales.length)
    throw new RangeError(
      `Cannot detect: validRanges must give one range per test scale (${options.scales.length}), current length is ${options.validRanges.length}`,
    )
}

/**
 * The network on one prepared image: per scale the raw detections (no NMS, as SNIPER's tester), clipped to the
 * scale's content and mapped back to original px with separate x and y factors; then the scales merged.
 * Synchronous tensor work; every tensor is freed before it returns.
 */
export function detectScaledImage(detector: Detector, image: ScaledImages, options: InferenceOptions): ImageDetections {
  checkInferenceOptions(options)
  if (image.scaled.length !== options.validRanges.length)
    throw new RangeError(
      `Cannot detect: the image must come at every test scale (${options.validRanges.length}), current count is ${image.scaled.length}`,
    )
  const perScale: Array<ScaleDetections> = image.scaled.map(({ geometry, pixels }, i) => {
    let found: Detections | undefined
    tf.tidy(() => {
      const input = tf.tensor4d(pixels, [1, geometry.inputHeight, geometry.inputWidth, 3])
      ;[found] = detect(detector, input, {
        scoreThreshold: options.scoreThreshold,
        nmsIou: 1,
        maxDetections: Number.POSITIVE_INFINITY,
        contentSizes: [{ width: geometry.contentWidth, height: geometry.contentHeight }],
      })
    })
    const { boxes, scores, categories } = found!
    return {
      boxes: toOriginalFrame(boxes, { ...geometry, width: image.width, height: image.height }),
      scores,
      categories,
      validRange: options.validRanges[i],
    }
  })
  return mergeScales(perScale, mergeOptionsOf(options))
}

/**
 * SNIPER's detections of one decoded image (docs/sniper.md section 6): every test scale sees the whole image
 * resized by its (short, long) rule and padded to the stride; boxes are xyxy in original px inside the image,
 * categories are the data set's rows 0..K-1, best first.
 */
export const detectImage = Effect.fn("detectImage")(function* (
  detector: Detector,
  image: DecodedImage,
  options: InferenceOptions,
) {
  checkInferenceOptions(options)
  const scaled = yield* scaleImage(image, {
    scales: options.scales,
    stride: detector.config.anchors.stride,
    normalization: detector.config.normalization,
  })
  return yield* Effect.sync(() =>
    detectScaledImage(detector, { width: image.width, height: image.height, scaled }, options),
  )
})
