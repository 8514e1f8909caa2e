import * as tf from "@tensorflow/tfjs"
import type { Detector } from "./detector.ts"
import type { ReducedStep } from "./gradient_reduction.ts"
import { param } from "./parameters.ts"
import type { BatchStatistics } from "./pass_gradients.ts"

/**
 * Moves running statistics by each pass's batch statistics in pass order, `running x m + batch x (1 - m)` per
 * pass, as the layers themselves do in one pass. Each product and sum is rounded to float32 as a float32 backend
 * rounds it (the float64 result of two float32 operands, rounded once, is the float32 result).
 */
export function applyStatistics(detector: Detector, statistics: ReadonlyArray<ReadonlyArray<BatchStatistics>>): void {
  const m = Math.fround(detector.config.backbone.bnMomentum)
  const rest = Math.fround(1 - detector.config.backbone.bnMomentum)
  const running = new Map<string, Float32Array>()
  const current = (name: string) => {
    let values = running.get(name)
    if (values === undefined) {
      values = (param(detector.params, name).dataSync() as Float32Array).slice()
      running.set(name, values)
    }
    return values
  }
  const move = (values: Float32Array, batch: Float32Array) => {
    for (let i = 0; i < values.length; i++)
      values[i] = Math.fround(Math.fround(values[i] * m) + Math.fround(batch[i] * rest))
  }
  for (const pass of statistics)
    for (const s of pass) {
      move(current(`${s.layer}.running_mean`), s.mean)
      move(current(`${s.layer}.running_var`), s.variance)
    }
  for (const [name, values] of running) {
    const v = param(detector.params, name)
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, "float32")))
  }
}

/**
 * The step's one update on the main replica: running statistics (see applyStatistics), then L2 weight decay
 * added to each reduced gradient and one `optimizer` update. Variables without a gradient get neither.
 */
export function applyReducedGradients(
  detector: Detector,
  optimizer: tf.Optimizer,
  reduced: ReducedStep,
  options?: { readonly weightDecay?: number | undefined },
): void {
  applyStatistics(detector, reduced.statistics)
  const decay = options?.weightDecay ?? 0
  const names = detector.params.trainable
  if (reduced.gradients.length !== names.length)
    throw new RangeError(
      `Cannot apply gradients: expected one per trainable variable (${names.length}), current value is ${reduced.gradients.length}`,
    )
  tf.tidy(() => {
    const named: Record<string, tf.Tensor> = {}
    reduced.gradients.forEach((values, i) => {
      if (values === undefined) return
      const v = param(detector.params, names[i])
      const g = tf.tensor(values, v.shape, "float32")
      named[v.name] = decay > 0 ? tf.add(g, tf.mul(v, decay)) : g
    })
    optimizer.applyGradients(named)
  })
}
