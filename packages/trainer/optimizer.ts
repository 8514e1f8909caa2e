import type { Detector, StepResult } from "@sniper/detector-model"
import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import type { ChipBatch } from "./chip_batches.ts"
import type { TrainConfig } from "./config.ts"
import { InvalidTrainConfig } from "./errors.ts"
import { learningRateAt } from "./schedule.ts"
import { StepRunner } from "./step_runner.ts"

/** The configured optimizer (SGD with momentum, or Adam), at the configured base rate. */
export function makeOptimizer(config: TrainConfig["optimizer"]): tf.Optimizer {
  return config.kind === "sgd"
    ? tf.train.momentum(config.learningRate, config.momentum)
    : tf.train.adam(config.learningRate)
}

/** Sets the optimizer's learning rate for the next update. */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  // SGD and momentum have a setter; Adam reads its (protected) field at every update. (tfjs overrides
  // `instanceof` for optimizers, so the setter is looked up instead.)
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void }
  if (typeof o.setLearningRate === "function") o.setLearningRate(rate)
  else o.learningRate = rate
}

/**
 * One update on a batch at `step` of the schedule: the scheduled rate, the step's own random stream (keyed by
 * seed, step and `key`, so that a resumed run draws the same samples), and a divergence check that names the
 * field to change. `rpnOnly` trains the RPN alone (the short-schedule RPN of negative chips). The passes run
 * where the StepRunner layer puts them (this thread or worker threads), with the same bits either way.
 */
export const batchStep = Effect.fn("batchStep")(function* (
  detector: Detector,
  optimizer: tf.Optimizer,
  batch: ChipBatch,
  options: {
    readonly config: TrainConfig
    readonly step: number
    readonly stepsPerEpoch: number
    readonly key: number
    readonly rpnOnly?: boolean
  },
) {
  const { config, step } = options
  const rate = learningRateAt(step, { ...config.optimizer, stepsPerEpoch: options.stepsPerEpoch })
  setLearningRate(optimizer, rate)
  const runner = yield* StepRunner
  // The step's own random stream: a resumed run, and any number of workers, draw the same samples.
  const { timing: _, ...result }: { timing: unknown } & StepResult = yield* runner.step(batch, {
    detector,
    optimizer,
    prng: new Prng([config.seed, step, options.key]).asFunction(),
    step,
    chipsPerPass: config.chipsPerPass,
    recompute: config.recompute,
    rpnOnly: options.rpnOnly,
    weightDecay: config.optimizer.weightDecay,
  })
  if (!Number.isFinite(result.total)) {
    const loss = options.rpnOnly === true ? "RPN-only loss" : "loss"
    return yield* new InvalidTrainConfig({
      field: "optimizer.learningRate",
      problem: `made the ${loss} diverge at step ${step} (loss ${result.total}); lower it or lengthen the warm-up`,
    })
  }
  return { result, rate }
})
