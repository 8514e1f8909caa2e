/**
 * The step runner: the one service through which a training stage takes an optimizer step, so that where the
 * step runs (this process, worker processes, one process per GPU) is a layer chosen apart from the loop.
 */
import type { Detector, StepResult } from "@sniper/detector-model"
import type * as tf from "@tensorflow/tfjs"
import { Context, type Effect, Layer } from "effect"
import type { ChipBatch } from "./chip_batches.ts"
import type { TrainConfig } from "./config.ts"
import type { InvalidTrainConfig } from "./errors.ts"
import { batchStep } from "./optimizer.ts"

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

export class StepRunner extends Context.Service<
  StepRunner,
  {
    /** One update of `options.detector` on `batch`; a diverged loss fails naming the learning rate. */
    readonly step: (batch: ChipBatch, options: StepOptions) => Effect.Effect<StepOutcome, InvalidTrainConfig>
  }
>()("sniper/trainer/StepRunner") {
  /** Every step in this process, on the detector and optimizer given. */
  static readonly inProcess = Layer.succeed(StepRunner, {
    step: (batch, o) =>
      batchStep(o.detector, o.optimizer, batch, {
        config: o.config,
        step: o.step,
        stepsPerEpoch: o.stepsPerEpoch,
        key: o.stage.key,
        rpnOnly: o.stage.rpnOnly,
      }),
  })
}
