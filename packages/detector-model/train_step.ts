import * as tf from "@tensorflow/tfjs"
import { applyReducedGradients } from "./apply_gradients.ts"
import type { Detector } from "./detector.ts"
import { GradientReduction } from "./gradient_reduction.ts"
import type { TrainingBatch } from "./losses.ts"
import type { PassLosses, TargetCounts } from "./pass_gradients.ts"
import { passGradients } from "./pass_gradients.ts"
import { passPrng, planPasses } from "./pass_plan.ts"

/** Loss values of one step (chip-weighted means over its passes) and the target counts. */
export interface StepResult extends PassLosses {
  readonly counts: TargetCounts
}

/** Options of `trainStep`. */
export interface TrainStepOptions {
  readonly optimizer: tf.Optimizer
  /** The step's random stream; each pass samples from a stream of its own keyed by it (see planPasses). */
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

/** The element count of each trainable variable, in `detector.params.trainable` order. */
export function trainableSizes(detector: Detector): Array<number> {
  return detector.params.trainable.map((name) => detector.params.variables.get(name)!.size)
}

/**
 * One optimisation step in this thread: the passes of `chipsPerPass` chips one after the other (passGradients),
 * their reduction in pass order (GradientReduction), then the update (applyReducedGradients). A step runner
 * that spreads the same passes over workers makes the same bits. Every intermediate tensor is freed.
 */
export function trainStep(detector: Detector, batch: TrainingBatch, options: TrainStepOptions): StepResult {
  const n = batch.images.shape[0]
  const passes = planPasses(n, { chipsPerPass: options.chipsPerPass, prng: options.prng })
  const reduction = new GradientReduction({ sizes: trainableSizes(detector), passes: passes.length, chips: n })
  for (const pass of passes) {
    const part = slice(batch, options.proposals, pass.start, pass.end)
    try {
      reduction.add(
        pass.index,
        passGradients(detector, part.batch, {
          prng: passPrng(pass),
          proposals: part.proposals,
          recompute: options.recompute,
          rpnOnly: options.rpnOnly,
        }),
      )
    } finally {
      if (part.batch.images !== batch.images) part.batch.images.dispose()
    }
  }
  const reduced = reduction.result()
  applyReducedGradients(detector, options.optimizer, reduced, { weightDecay: options.weightDecay })
  return { ...reduced.losses, counts: reduced.counts }
}
