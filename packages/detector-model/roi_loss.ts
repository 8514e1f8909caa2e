import type { ChipTruth } from "@sniper/boxes"
import * as tf from "@tensorflow/tfjs"
import type { Detector } from "./detector.ts"
import { boxHead, roiFeatures } from "./detector.ts"
import { smoothL1 } from "./loss_functions.ts"
import { poolRois } from "./roi_pool.ts"
import { roiTargets } from "./roi_targets.ts"

/** RoI-head losses of a batch. */
export interface RoiLosses {
  readonly roiClass: tf.Scalar
  readonly roiBox: tf.Scalar
  readonly count: number
  readonly fgCount: number
}

/** Labels each chip's proposals, pools them, runs the box head: cross entropy over labelled RoIs / their count,
 * smooth-L1 over fg RoIs summed / (N x boxNormalizer). */
export function roiLosses(
  detector: Detector,
  features: tf.Tensor4D,
  allProposals: ReadonlyArray<Float32Array>,
  truths: ReadonlyArray<ChipTruth>,
  options: { readonly prng: () => number },
): RoiLosses {
  const { config } = detector
  const n = features.shape[0]
  const rois: Array<Float32Array> = []
  const roiLabels: Array<Int32Array> = []
  const roiDeltas: Array<Float32Array> = []
  const boxIndex: Array<number> = []
  truths.forEach((truth, c) => {
    const proposals = allProposals[c]
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
  return { roiClass, roiBox, count: r, fgCount: roiFg }
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
