import type { ChipTruth } from "@sniper/boxes"
import * as tf from "@tensorflow/tfjs"
import { checkChipTruth } from "./chip_truth.ts"
import type { Detector } from "./detector.ts"
import { checkInput, detectorFeatures } from "./detector.ts"
import type { StatisticsSink } from "./resnet.ts"
import { roiLosses } from "./roi_loss.ts"
import { rpnLosses } from "./rpn_loss.ts"
import { rpnProposals } from "./rpn_proposals.ts"

/** A training batch: chips [N, H, W, 3] (H, W multiples of 16) with each chip's ground truth in chip px
 * (continuous boxes, category rows 0..K-1: the background class is added when targets are built) and,
 * optionally, its valid proposal area range [lo, hi) in chip px² (SNIPER's (lo s)², (hi s)²). */
export interface TrainingBatch {
  readonly images: tf.Tensor4D
  readonly truths: ReadonlyArray<ChipTruth>
  readonly areaRanges?: ReadonlyArray<readonly [number, number] | undefined> | undefined
}

/** The four loss terms (scalars) and their sum, plus what the targets counted. */
export interface LossTerms {
  readonly total: tf.Scalar
  readonly rpnClass: tf.Scalar
  readonly rpnBox: tf.Scalar
  readonly roiClass: tf.Scalar
  readonly roiBox: tf.Scalar
  readonly counts: { readonly rpnFg: number; readonly rpnBg: number; readonly rois: number; readonly roiFg: number }
}

/**
 * Faster R-CNN losses of one batch, normalised as the reference: RPN BCE over the sampled anchors / their count,
 * RPN smooth-L1 summed x boxLossWeight / (N x batchSize), RoI cross entropy over labelled RoIs / their count,
 * RoI smooth-L1 summed / (N x boxNormalizer). Call inside tf.tidy or tf.variableGrads.
 */
export function detectorLosses(
  detector: Detector,
  batch: TrainingBatch,
  options: {
    readonly prng: () => number
    /** Fixed proposals per chip (input px) instead of the RPN's own: Fast R-CNN training, gradient checks. */
    readonly proposals?: ReadonlyArray<Float32Array> | undefined
    /** Recompute backbone activations in the backward pass instead of keeping them (less memory, ~1 more
     * backbone forward). */
    readonly recompute?: boolean | undefined
    /** Train the RPN alone (SNIPER's short-schedule RPN for negative chips): no proposals, no RoI head; the RoI
     * terms are zero constants, so no roi.* weight gets a gradient. */
    readonly rpnOnly?: boolean | undefined
    /** Batch-norm batch statistics go here instead of into the running statistics (see passGradients). */
    readonly onStatistics?: StatisticsSink | undefined
  },
): LossTerms {
  const { config } = detector
  const { images, truths } = batch
  checkInput(images, config.anchors.stride, "compute detector losses")
  const [n, height, width] = images.shape
  if (truths.length !== n)
    throw new RangeError(
      `Cannot compute detector losses: expected one ground truth per chip (${n}), current value is ${truths.length}`,
    )
  truths.forEach((t, i) => {
    checkChipTruth(t, config.numClasses, i)
  })

  const features = detectorFeatures(detector, images, true, {
    recompute: options.recompute,
    onStatistics: options.onStatistics,
  })
  const rpn = rpnLosses(detector, features, truths, { imageWidth: width, imageHeight: height, prng: options.prng })
  if (options.rpnOnly === true) {
    return {
      total: tf.add(rpn.rpnClass, rpn.rpnBox) as tf.Scalar,
      rpnClass: rpn.rpnClass,
      rpnBox: rpn.rpnBox,
      roiClass: tf.scalar(0),
      roiBox: tf.scalar(0),
      counts: { rpnFg: rpn.fgCount, rpnBg: rpn.bgCount, rois: 0, roiFg: 0 },
    }
  }
  const fixed = options.proposals
  if (fixed !== undefined && fixed.length !== n)
    throw new RangeError(
      `Cannot compute detector losses: expected proposals for ${n} chips, current value is ${fixed.length}`,
    )
  // Proposals from the current RPN (no gradient flows through them).
  const proposals =
    fixed ??
    rpnProposals(rpn.anchors, rpn.logits, rpn.deltas, {
      imageWidth: width,
      imageHeight: height,
      settings: detector.config.rpn.train,
      areaRanges: batch.areaRanges,
    }).map((p) => p.boxes)
  const roi = roiLosses(detector, features, proposals, truths, { prng: options.prng })
  const total = tf.addN([rpn.rpnClass, rpn.rpnBox, roi.roiClass, roi.roiBox]) as tf.Scalar
  return {
    total,
    rpnClass: rpn.rpnClass,
    rpnBox: rpn.rpnBox,
    roiClass: roi.roiClass,
    roiBox: roi.roiBox,
    counts: { rpnFg: rpn.fgCount, rpnBg: rpn.bgCount, rois: roi.count, roiFg: roi.fgCount },
  }
}
