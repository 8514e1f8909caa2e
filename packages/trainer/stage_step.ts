/**
 * A training stage's step: what the loop tells the StepRunner (step_runner.ts), which decides where the passes
 * run (this thread, worker threads, later one process per GPU).
 */
import type { Detector, StepResult } from "@sniper/detector-model"
import { Prng } from "@sniper/random"
import type * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import type { ChipBatch } from "./chip_batches.ts"
import type { TrainConfig } from "./config.ts"
import { InvalidTrainConfig } from "./errors.ts"
import { setLearningRate } from "./optimizer.ts"
import { learningRateAt } from "./schedule.ts"
import { StepRunner } from "./step_runner.ts"

/** What a step needs to know of its stage. */
export interface StepStage {
  /** "rpn" (the short-schedule RPN of negative chips) or "detector". */
  readonly name: string
  /** Separates the stage's per-step sampling stream from every other use of the seed. */
  readonly key: number
  /** Trains the RPN alone (backbone and RPN head). */
  readonly rpnOnly: boolean
}

/** One step of a stage: its model and optimizer, and where the step falls in the stage's schedule. */
export interface StepOptions {
  readonly detector: Detector
  readonly optimizer: tf.Optimizer
  readonly config: TrainConfig
  readonly stage: StepStage
  /** 0-based step of the stage (its schedule and random stream). */
  readonly step: number
  /** Steps of the stage's first epoch, the unit of the schedule's decay epochs. */
  readonly stepsPerEpoch: number
}

/** A step's losses and target counts, and the learning rate it used. */
export interface StepOutcome {
  readonly result: StepResult
  readonly rate: number
}

/**
 * One update of a stage on a batch at `step` of its schedule: the scheduled rate, the step's own random stream
 * (keyed by seed, step and the stage's key, so that a resumed run draws the same samples), and a divergence check
 * that names the field to change. An RPN-only stage trains the RPN alone. The passes run where the StepRunner layer
 * puts them (this thread or worker threads), with the same bits either way.
 */
export const stageStep = Effect.fn("stageStep")(function* (batch: ChipBatch, o: StepOptions) {
  const { config, step, stage } = o
  const rate = learningRateAt(step, { ...config.optimizer, stepsPerEpoch: o.stepsPerEpoch })
  setLearningRate(o.optimizer, rate)
  const runner = yield* StepRunner
  const { timing: _, ...result }: { timing: unknown } & StepResult = yield* runner.step(batch, {
    detector: o.detector,
    optimizer: o.optimizer,
    prng: new Prng([config.seed, step, stage.key]).asFunction(),
    step,
    chipsPerPass: config.chipsPerPass,
    recompute: config.recompute,
    rpnOnly: stage.rpnOnly,
    weightDecay: config.optimizer.weightDecay,
  })
  if (!Number.isFinite(result.total)) {
    const loss = stage.rpnOnly ? "RPN-only loss" : "loss"
    return yield* new InvalidTrainConfig({
      field: "optimizer.learningRate",
      problem: `made the ${loss} diverge at step ${step} (loss ${result.total}); lower it or lengthen the warm-up`,
    })
  }
  return { result, rate } satisfies StepOutcome
})
