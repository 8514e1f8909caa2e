import * as tf from "@tensorflow/tfjs"
import { gridAnchors } from "./anchors.ts"
import type { ChipTruth } from "./chip_truth.ts"
import { checkChipTruth } from "./chip_truth.ts"
import type { Detector } from "./detector.ts"
import { boxHead, checkInput, detectorFeatures, roiFeatures, rpnHead } from "./detector.ts"
import { selectProposals } from "./proposals.ts"
import { poolRois } from "./roi_pool.ts"
import { roiTargets } from "./roi_targets.ts"
import { rpnTargets } from "./rpn_targets.ts"

/** A training batch: chips [N, H, W, 3] (H, W multiples of 16) with each chip's ground truth in chip px and,
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

/** Smooth L1 with sigma 1 (Huber, beta 1), elementwise. */
export function smoothL1(x: tf.Tensor): tf.Tensor {
  const a = tf.abs(x)
  const q = tf.minimum(a, 1)
  return tf.add(tf.mul(0.5, tf.square(q)), tf.sub(a, q))
}

/** Binary cross entropy of logits x against 0/1 targets y, elementwise and stable. */
export function bceWithLogits(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))
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

  const features = detectorFeatures(detector, images, true)
  const [, fh, fw] = features.shape
  const anchors = gridAnchors(fh, fw, config.anchors)
  const perChip = anchors.length / 4
  const rpn = rpnHead(detector, features)

  // RPN targets, all chips concatenated in the head's (n, y, x, a) order.
  const labels = new Float32Array(n * perChip)
  const sampled = new Float32Array(n * perChip)
  const boxTargets = new Float32Array(4 * n * perChip)
  const boxMask = new Float32Array(4 * n * perChip)
  let rpnFg = 0
  let rpnBg = 0
  truths.forEach((truth, c) => {
    const t = rpnTargets(anchors, truth, {
      imageWidth: width,
      imageHeight: height,
      allowedBorder: config.anchors.allowedBorder,
      fgIou: config.rpn.fgIou,
      bgIou: config.rpn.bgIou,
      ignoreIou: config.rpn.ignoreIou,
      batchSize: config.rpn.batchSize,
      fgFraction: config.rpn.fgFraction,
      prng: options.prng,
    })
    rpnFg += t.fgCount
    rpnBg += t.bgCount
    for (let i = 0; i < perChip; i++) {
      const l = t.labels[i]
      const k = c * perChip + i
      labels[k] = l === 1 ? 1 : 0
      sampled[k] = l >= 0 ? 1 : 0
      if (l === 1) boxMask.fill(1, 4 * k, 4 * k + 4)
    }
    boxTargets.set(t.deltas, 4 * c * perChip)
  })
  const logitsFlat = tf.reshape(rpn.logits, [-1])
  const rpnClass = tf.div(
    tf.sum(tf.mul(bceWithLogits(logitsFlat, tf.tensor1d(labels)), tf.tensor1d(sampled))),
    Math.max(1, rpnFg + rpnBg),
  ) as tf.Scalar
  const rpnBox = tf.mul(
    tf.sum(tf.mul(smoothL1(tf.sub(tf.reshape(rpn.deltas, [-1]), tf.tensor1d(boxTargets))), tf.tensor1d(boxMask))),
    config.rpn.boxLossWeight / (n * config.rpn.batchSize),
  ) as tf.Scalar

  // Proposals from the current RPN (no gradient flows through them), then RoI labels.
  const fixed = options.proposals
  if (fixed !== undefined && fixed.length !== n)
    throw new RangeError(
      `Cannot compute detector losses: expected proposals for ${n} chips, current value is ${fixed.length}`,
    )
  const scores = fixed === undefined ? (logitsFlat.dataSync() as Float32Array) : new Float32Array(0)
  const deltas = fixed === undefined ? (rpn.deltas.dataSync() as Float32Array) : new Float32Array(0)
  const rois: Array<Float32Array> = []
  const roiLabels: Array<Int32Array> = []
  const roiDeltas: Array<Float32Array> = []
  const boxIndex: Array<number> = []
  truths.forEach((truth, c) => {
    const proposals =
      options.proposals?.[c] ??
      selectProposals(
        anchors,
        {
          scores: scores.subarray(c * perChip, (c + 1) * perChip),
          deltas: deltas.subarray(4 * c * perChip, 4 * (c + 1) * perChip),
        },
        { imageWidth: width, imageHeight: height, settings: config.rpn.train, areaRange: batch.areaRanges?.[c] },
      ).boxes
    const t = roiTargets(proposals, truth, {
      labelling: config.roi.labelling,
      fgIou: config.roi.fgIou,
      maxRois: config.roi.labelling === "reference" ? config.rpn.train.postNmsTopK : config.roi.batchSize,
      fgFraction: config.roi.fgFraction,
      boxWeights: config.roi.boxWeights,
      prng: options.prng,
    })
    rois.push(t.rois)
    roiLabels.push(t.labels)
    roiDeltas.push(t.deltas)
    for (let i = 0; i < t.count; i++) boxIndex.push(c)
  })
  const r = boxIndex.length
  let roiClass: tf.Scalar = tf.scalar(0)
  let roiBox: tf.Scalar = tf.scalar(0)
  let roiFg = 0
  if (r > 0) {
    const allRois = concatFloat(rois)
    const allLabels = new Int32Array(r)
    let k = 0
    for (const l of roiLabels) {
      allLabels.set(l, k)
      k += l.length
    }
    const k1 = config.numClasses + 1
    const oneHot = new Float32Array(r * k1)
    const fgMask = new Float32Array(r)
    let labelled = 0
    for (let i = 0; i < r; i++) {
      if (allLabels[i] < 0) continue
      labelled++
      oneHot[i * k1 + allLabels[i]] = 1
      if (allLabels[i] > 0) {
        fgMask[i] = 1
        roiFg++
      }
    }
    const pooled = poolRois(detector, roiFeatures(detector, features), allRois, Int32Array.from(boxIndex))
    const head = boxHead(detector, pooled)
    roiClass = tf.div(
      tf.neg(tf.sum(tf.mul(tf.logSoftmax(head.logits), tf.tensor2d(oneHot, [r, k1])))),
      Math.max(1, labelled),
    ) as tf.Scalar
    roiBox = tf.div(
      tf.sum(
        tf.mul(smoothL1(tf.sub(head.deltas, tf.tensor2d(concatFloat(roiDeltas), [r, 4]))), tf.tensor2d(fgMask, [r, 1])),
      ),
      n * config.roi.boxNormalizer,
    ) as tf.Scalar
  }
  const total = tf.addN([rpnClass, rpnBox, roiClass, roiBox]) as tf.Scalar
  return { total, rpnClass, rpnBox, roiClass, roiBox, counts: { rpnFg, rpnBg, rois: r, roiFg } }
}

function concatFloat(parts: ReadonlyArray<Float32Array>): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let k = 0
  for (const p of parts) {
    out.set(p, k)
    k += p.length
  }
  return out
}
