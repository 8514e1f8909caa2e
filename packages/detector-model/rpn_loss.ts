import type { ChipTruth } from "@sniper/boxes"
import * as tf from "@tensorflow/tfjs"
import { gridAnchors } from "./anchors.ts"
import type { Detector } from "./detector.ts"
import { rpnHead } from "./detector.ts"
import { bceWithLogits, smoothL1 } from "./loss_functions.ts"
import { rpnTargets } from "./rpn_targets.ts"

/** RPN losses of a batch and the head outputs they came from. */
export interface RpnLosses {
  readonly rpnClass: tf.Scalar
  readonly rpnBox: tf.Scalar
  readonly logits: tf.Tensor4D
  readonly deltas: tf.Tensor4D
  /** The anchors of one chip, (y, x, a) order, input px. */
  readonly anchors: Float32Array
  readonly fgCount: number
  readonly bgCount: number
}

/** RPN head on the features, targets per chip, BCE over sampled anchors / their count, smooth-L1 summed x
 * boxLossWeight / (N x batchSize). */
export function rpnLosses(
  detector: Detector,
  features: tf.Tensor4D,
  truths: ReadonlyArray<ChipTruth>,
  options: { readonly imageWidth: number; readonly imageHeight: number; readonly prng: () => number },
): RpnLosses {
  const { config } = detector
  const n = features.shape[0]
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
      imageWidth: options.imageWidth,
      imageHeight: options.imageHeight,
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

  return { rpnClass, rpnBox, logits: rpn.logits, deltas: rpn.deltas, anchors, fgCount: rpnFg, bgCount: rpnBg }
}
