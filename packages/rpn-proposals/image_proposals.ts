import { cutChip, type DecodedImage, type Normalization } from "@sniper/coco-io"
import {
  type Detector,
  detectorFeatures,
  gridAnchors,
  type ProposalSettings,
  type Proposals,
  rpnHead,
  rpnProposals,
} from "@sniper/detector-model"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { type ImageProposals, mergeScales } from "./merge_scales.ts"
import { toOriginalFrame } from "./original_frame.ts"
import { type Resolution, type ScaleInput, scaleInput } from "./scale_input.ts"

/** How proposals are extracted (SNIPER.md section 3 step 2). */
export interface ProposalOptions {
  /** Test scales, (short, long) resolution form: e.g. the trainer config's `test.scales`. */
  readonly scales: ReadonlyArray<Resolution>
  /** The proposal layer at each scale (pre-NMS top k, NMS IoU, post-NMS top k = proposals kept per scale, tiny
   * rule); default the detector's `rpn.test` (the reference: 12000, 0.7, 300, min side 3). */
  readonly settings?: ProposalSettings | undefined
  /** NMS IoU over the stacked scales; default 0.7. */
  readonly nmsIou?: number | undefined
  /** Proposals kept per image after the stacked NMS; default all that survive (at most scales x post-NMS top k). */
  readonly maxPerImage?: number | undefined
}

/** One scale's network input: the image resized, zero-padded to multiples of the stride, NHWC rows. */
export interface ScaledImage {
  readonly geometry: ScaleInput
  readonly pixels: Float32Array
}

/** The image resized at every test scale (coco-io's resize and normalisation, as training chips), ready to run. */
export const scaleImage = Effect.fn("scaleImage")(function* (
  image: DecodedImage,
  options: {
    readonly scales: ReadonlyArray<Resolution>
    readonly stride: number
    /** The detector's `normalization`; default coco-io's (ImageNet, RGB). */
    readonly normalization?: Normalization | undefined
  },
) {
  const out: Array<ScaledImage> = []
  for (const resolution of options.scales) {
    const geometry = scaleInput(image.width, image.height, resolution, options.stride)
    const { canvas, inputWidth: pw, inputHeight: ph } = geometry
    const square = yield* cutChip(
      image,
      { x1: 0, y1: 0, x2: image.width, y2: image.height, scale: geometry.scale },
      { size: canvas, normalization: options.normalization },
    )
    // The square canvas cut to the padded content: a non-square image costs no extra rows or columns.
    const pixels = pw === canvas ? square.subarray(0, ph * pw * 3) : new Float32Array(ph * pw * 3)
    if (pw !== canvas)
      for (let y = 0; y < ph; y++) pixels.set(square.subarray(y * canvas * 3, (y * canvas + pw) * 3), y * pw * 3)
    out.push({ geometry, pixels })
  }
  return out
})

/**
 * Backbone + RPN on each scaled image (whole image, no chips): the proposal layer's top boxes per scale, clipped
 * to the scaled content, mapped back to original px, stacked and NMS'd again. Scores are sigmoid(objectness).
 * Synchronous tensor work; every tensor is freed before it returns.
 */
export function runProposals(
  detector: Detector,
  image: { readonly width: number; readonly height: number; readonly scaled: ReadonlyArray<ScaledImage> },
  options: Omit<ProposalOptions, "scales">,
): ImageProposals {
  const settings = options.settings ?? detector.config.rpn.test
  const perScale = image.scaled.map(({ geometry, pixels }) => {
    let found: Proposals = { boxes: new Float32Array(0), scores: new Float32Array(0), count: 0 }
    tf.tidy(() => {
      const input = tf.tensor4d(pixels, [1, geometry.inputHeight, geometry.inputWidth, 3])
      const features = detectorFeatures(detector, input, false)
      const [, fh, fw] = features.shape
      const head = rpnHead(detector, features)
      found = rpnProposals(gridAnchors(fh, fw, detector.config.anchors), head.logits, head.deltas, {
        imageWidth: geometry.contentWidth,
        imageHeight: geometry.contentHeight,
        settings,
      })[0]
    })
    const scores = new Float64Array(found.count)
    for (let i = 0; i < found.count; i++) scores[i] = 1 / (1 + Math.exp(-found.scores[i]))
    return {
      boxes: toOriginalFrame(found.boxes, { ...geometry, width: image.width, height: image.height }),
      scores,
      count: found.count,
    }
  })
  return mergeScales(perScale, { iouThreshold: options.nmsIou ?? 0.7, maxPerImage: options.maxPerImage })
}

/** The proposals of one decoded image: {@link scaleImage} then {@link runProposals}. */
export const imageProposals = Effect.fn("imageProposals")(function* (
  detector: Detector,
  image: DecodedImage,
  options: ProposalOptions,
) {
  const scaled = yield* scaleImage(image, {
    scales: options.scales,
    stride: detector.config.anchors.stride,
    normalization: detector.config.normalization,
  })
  return runProposals(detector, { width: image.width, height: image.height, scaled }, options)
})
