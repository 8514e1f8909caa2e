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

/** One optimisation step: forward, backward, optional L2 weight decay on the gradients, `optimizer` update.
 * Every intermediate tensor is freed before it returns. */
export function trainStep(
  detector: Detector,
  batch: TrainingBatch,
  options: {
    readonly optimizer: tf.Optimizer
    readonly prng: () => number
    readonly weightDecay?: number
    readonly proposals?: ReadonlyArray<Float32Array> | undefined
  },
): StepResult {
  const vars = detector.params.trainable.map((name) => detector.params.variables.get(name)!)
  let kept: Array<tf.Scalar> = []
  let counts: StepResult["counts"] = { rpnFg: 0, rpnBg: 0, rois: 0, roiFg: 0 }
  const { value, grads } = tf.variableGrads(() => {
    const terms = detectorLosses(detector, batch, { prng: options.prng, proposals: options.proposals })
    kept = [terms.rpnClass, terms.rpnBox, terms.roiClass, terms.roiBox].map((t) => tf.keep(t))
    counts = terms.counts
    return terms.total
  }, vars)
  const decay = options.weightDecay ?? 0
  tf.tidy(() => {
    const named: Record<string, tf.Tensor> = {}
    for (const v of vars) {
      const g = grads[v.name]
      if (g !== undefined) named[v.name] = decay > 0 ? tf.add(g, tf.mul(v, decay)) : g
    }
    options.optimizer.applyGradients(named)
  })
  const [total] = value.dataSync()
  const [rpnClass, rpnBox, roiClass, roiBox] = kept.map((t) => t.dataSync()[0])
  value.dispose()
  tf.dispose(kept)
  tf.dispose(Object.values(grads))
  return { total, rpnClass, rpnBox, roiClass, roiBox, counts }
}
