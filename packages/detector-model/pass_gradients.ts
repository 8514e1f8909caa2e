import * as tf from "@tensorflow/tfjs"
import type { Detector } from "./detector.ts"
import type { TrainingBatch } from "./losses.ts"
import { detectorLosses } from "./losses.ts"

/** The four loss terms of a pass and their sum (numbers read back from the backend). */
export interface PassLosses {
  readonly total: number
  readonly rpnClass: number
  readonly rpnBox: number
  readonly roiClass: number
  readonly roiBox: number
}

/** What the targets of a pass (or a step) counted. */
export interface TargetCounts {
  readonly rpnFg: number
  readonly rpnBg: number
  readonly rois: number
  readonly roiFg: number
}

/** A training batch-norm layer's batch mean and biased variance in one pass (what moves its running statistics). */
export interface BatchStatistics {
  readonly layer: string
  readonly mean: Float32Array
  readonly variance: Float32Array
}

/**
 * Everything a pass contributes to a step, as plain numbers and typed arrays (so it crosses a worker boundary
 * as is): no tensor, no reference to the replica that computed it.
 */
export interface PassGradients {
  readonly chips: number
  readonly losses: PassLosses
  readonly counts: TargetCounts
  /** One entry per name of `detector.params.trainable`, in that order; undefined where the loss does not reach
   * the variable (the RoI head under `rpnOnly`). */
  readonly gradients: ReadonlyArray<Float32Array | undefined>
  /** Each training batch-norm layer's statistics, in the order the forward pass met them. */
  readonly statistics: ReadonlyArray<BatchStatistics>
}

/** Options of `passGradients` (see detectorLosses). */
export interface PassOptions {
  readonly prng: () => number
  readonly proposals?: ReadonlyArray<Float32Array> | undefined
  readonly recompute?: boolean | undefined
  readonly rpnOnly?: boolean | undefined
}

/** A float32 tensor's values in a buffer of their own, free to transfer: the cpu backend hands out its own
 * storage, the others (wasm, tensorflow) a fresh copy. */
function copyOf(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array
  return tf.getBackend() === "cpu" ? values.slice() : values
}

export const lossTermNames = ["rpnClass", "rpnBox", "roiClass", "roiBox"] as const

/**
 * Forward and backward of one pass on the replica `detector`, which it leaves unchanged: no update, and the
 * batch-norm statistics are returned instead of moving the running ones. Frees every tensor it made.
 */
export function passGradients(detector: Detector, pass: TrainingBatch, options: PassOptions): PassGradients {
  const vars = detector.params.trainable.map((name) => detector.params.variables.get(name)!)
  const statistics: Array<BatchStatistics> = []
  let counts: TargetCounts = { rpnFg: 0, rpnBg: 0, rois: 0, roiFg: 0 }
  let kept: Array<tf.Scalar> = []
  const { value, grads } = tf.variableGrads(() => {
    const terms = detectorLosses(detector, pass, {
      prng: options.prng,
      proposals: options.proposals,
      recompute: options.recompute,
      rpnOnly: options.rpnOnly,
      onStatistics: (layer, mean, variance) => {
        statistics.push({ layer, mean: copyOf(mean), variance: copyOf(variance) })
      },
    })
    kept = lossTermNames.map((k) => tf.keep(terms[k]))
    counts = terms.counts
    return terms.total
  }, vars)
  try {
    const [rpnClass, rpnBox, roiClass, roiBox] = kept.map((t) => t.dataSync()[0])
    const gradients = vars.map((v) => (grads[v.name] === undefined ? undefined : copyOf(grads[v.name])))
    return {
      chips: pass.images.shape[0],
      losses: { total: value.dataSync()[0], rpnClass, rpnBox, roiClass, roiBox },
      counts,
      gradients,
      statistics,
    }
  } finally {
    tf.dispose([value, ...kept, ...Object.values(grads)])
  }
}
