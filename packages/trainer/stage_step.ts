/**
 * A training stage's step: what the loop tells the StepRunner (step_runner.ts), which decides where the passes
 * run (this thread, worker threads, later one process per GPU).
 */
import type { Detector, StepResult } from "@sniper/detector-model"
import type * as tf from "@tensorflow/tfjs"
import type { ChipBatch } from "./chip_batches.ts"
import type { TrainConfig } from "./config.ts"
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

/** One step of a stage through the StepRunner: the stage's schedule rate, its keyed random stream, and the
 * divergence check that names the learning rate. */
export function stageStep(batch: ChipBatch, o: StepOptions) {
  return batchStep(o.detector, o.optimizer, batch, {
    config: o.config,
    step: o.step,
    stepsPerEpoch: o.stepsPerEpoch,
    key: o.stage.key,
    rpnOnly: o.stage.rpnOnly,
  })
}
