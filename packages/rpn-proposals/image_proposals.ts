import type { DecodedImage } from "@sniper/coco-io"
import {
  type Detector,
  detectorFeatures,
  gridAnchors,
  type ProposalSettings,
  type Proposals,
  rpnHead,
  rpnProposals,
} from "@sniper/detector-model"
import {
  mergeScales,
  proposalMerge,
  type Resolution,
  type ScaleDetections,
  type ScaledImages,
  scaleImage,
  toOriginalFrame,
} from "@sniper/inference"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"

/** Proposals of one image: `count` boxes (x1, y1, x2, y2) in original px and objectness in [0, 1], best first. */
export interface ImageProposals {
  readonly boxes: Float64Array
  readonly scores: Float64Array
  readonly count: number
}

/** How proposals are extracted (docs/sniper.md section 3 step 2). */
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

/**
 * Backbone + RPN on each scaled image (whole image, no chips, no box head): the proposal layer's top boxes per
 * scale, clipped to the scaled content, mapped back to original px, stacked and NMS'd again (inference's
 * `mergeScales` with `proposalMerge`). Scores are sigmoid(objectness). Synchronous tensor work; every tensor is
 * freed before it returns.
 */
export function runProposals(
  detector: Detector,
  image: ScaledImages,
  options: Omit<ProposalOptions, "scales">,
): ImageProposals {
  const settings = options.settings ?? detector.config.rpn.test
  const perScale: Array<ScaleDetections> = image.scaled.map(({ geometry, pixels }) => {
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
    return {
      boxes: toOriginalFrame(found.boxes, { ...geometry, width: image.width, height: image.height }),
      scores: Float64Array.from(found.scores, (s) => 1 / (1 + Math.exp(-s))),
    }
  })
  const merged = mergeScales(perScale, {
    ...proposalMerge,
    nms: { iouThreshold: options.nmsIou ?? 0.7 },
    maxPerImage: options.maxPerImage ?? Number.POSITIVE_INFINITY,
  })
  return { boxes: merged.boxes, scores: merged.scores, count: merged.count }
}

/** The proposals of one decoded image: inference's `scaleImage` then {@link runProposals}. */
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
