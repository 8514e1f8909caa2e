/** The detector and optimizer of a training stage, freed when the enclosing scope closes (success, failure, interrupt). */
import { type Detector, scopedDetector as scopedModel } from "@sniper/detector-model"
import type * as tf from "@tensorflow/tfjs"
import { Effect, type Scope } from "effect"
import type { TrainConfig } from "./config.ts"
import { makeOptimizer } from "./optimizer.ts"

/** A detector initialised from the run's seed, disposed with its scope. */
export function scopedDetector(config: TrainConfig): Effect.Effect<Detector, never, Scope.Scope> {
  return scopedModel(config.detector, { seed: config.seed })
}

/** The configured optimizer, disposed (with its slots) with its scope. */
export function scopedOptimizer(config: TrainConfig["optimizer"]): Effect.Effect<tf.Optimizer, never, Scope.Scope> {
  return Effect.acquireRelease(
    Effect.sync(() => makeOptimizer(config)),
    (optimizer) => Effect.sync(() => optimizer.dispose()),
  )
}
