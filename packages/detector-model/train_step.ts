import * as tf from "@tensorflow/tfjs"
import type { Detector } from "./detector.ts"
import type { TrainingBatch } from "./losses.ts"
import { detectorLosses } from "./losses.ts"

/** Loss values of one step (numbers, read back after the update) and the target counts. */
export interface StepResult {
  readonly total: number
  readonly rpnClass: number
  readonly rpnBox: number
  readonly roiClass: number
  readonly roiBox: number
  readonly counts: { readonly rpnFg: number; readonly rpnBg: number; readonly rois: number; readonly roiFg: number }
}

/** Options of `trainStep`. */
export interface TrainStepOptions {
  readonly optimizer: tf.Optimizer
  readonly prng: () => number
  readonly weightDecay?: number
  readonly proposals?: ReadonlyArray<Float32Array> | undefined
  /** See detectorLosses. */
  readonly recompute?: boolean | undefined
  /** See detectorLosses: the RPN's losses only; roi.* weights get no gradient and no update (no weight decay). */
  readonly rpnOnly?: boolean | undefined
  /**
   * Chips per forward/backward pass (default: the whole batch). A larger batch runs as several passes whose
   * gradients are averaged, weighted by chips, before one update: the reference's batch spread over devices,
   * each with its own batch-norm statistics. The averaged gradient equals the one-pass gradient when every
   * chip samples the same number of anchors and RoIs (the box terms are per chip either way).
   */
  readonly chipsPerPass?: number | undefined
}

const termNames = ["rpnClass", "rpnBox", "roiClass", "roiBox"] as const

/** Rows [start, end) of a batch (and of its fixed proposals). */
function slice(
  batch: TrainingBatch,
  proposals: ReadonlyArray<Float32Array> | undefined,
  start: number,
  end: number,
): { batch: TrainingBatch; proposals: ReadonlyArray<Float32Array> | undefined } {
  const [n, h, w, c] = batch.images.shape
  if (start === 0 && end === n) return { batch, proposals }
  return {
    batch: {
      images: tf.slice(batch.images, [start, 0, 0, 0], [end - start, h, w, c]),
      truths: batch.truths.slice(start, end),
      areaRanges: batch.areaRanges?.slice(start, end),
    },
    proposals: proposals?.slice(start, end),
  }
}

/** One optimisation step: forward, backward (in passes of `chipsPerPass` chips), optional L2 weight decay on
 * the gradients, `optimizer` update. Every intermediate tensor is freed before it returns. */
export function trainStep(detector: Detector, batch: TrainingBatch, options: TrainStepOptions): StepResult {
  const n = batch.images.shape[0]
  const perPass = options.chipsPerPass ?? n
  if (!Number.isInteger(perPass) || perPass < 1)
    throw new RangeError(`Cannot train: chipsPerPass must be a positive integer, current value is ${perPass}`)
  const vars = detector.params.trainable.map((name) => detector.params.variables.get(name)!)
  const sums = new Map<string, tf.Tensor>()
  const values = { total: 0, rpnClass: 0, rpnBox: 0, roiClass: 0, roiBox: 0 }
  const counts = { rpnFg: 0, rpnBg: 0, rois: 0, roiFg: 0 }
  try {
    for (let start = 0; start < n; start += perPass) {
      const end = Math.min(n, start + perPass)
      const weight = (end - start) / n
      let kept: Array<tf.Scalar> = []
      const { value, grads } = tf.variableGrads(() => {
        const part = slice(batch, options.proposals, start, end)
        const terms = detectorLosses(detector, part.batch, {
          prng: options.prng,
          proposals: part.proposals,
          recompute: options.recompute,
          rpnOnly: options.rpnOnly,
        })
        kept = termNames.map((k) => tf.keep(terms[k]))
        for (const k of Object.keys(counts) as Array<keyof typeof counts>) counts[k] += terms.counts[k]
        return terms.total
      }, vars)
      values.total += weight * value.dataSync()[0]
      termNames.forEach((k, i) => {
        values[k] += weight * kept[i].dataSync()[0]
      })
      tf.dispose([value, ...kept])
      for (const [name, g] of Object.entries(grads)) {
        const previous = sums.get(name)
        if (weight === 1) {
          sums.set(name, g)
          continue
        }
        sums.set(
          name,
          tf.tidy(() => (previous === undefined ? tf.mul(g, weight) : tf.add(previous, tf.mul(g, weight)))),
        )
        previous?.dispose()
        g.dispose()
      }
    }
    const decay = options.weightDecay ?? 0
    tf.tidy(() => {
      const named: Record<string, tf.Tensor> = {}
      for (const v of vars) {
        const g = sums.get(v.name)
        if (g !== undefined) named[v.name] = decay > 0 ? tf.add(g, tf.mul(v, decay)) : g
      }
      options.optimizer.applyGradients(named)
    })
  } finally {
    tf.dispose([...sums.values()])
  }
  return { ...values, counts }
}
