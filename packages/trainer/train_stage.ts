/**
 * The one training loop, run by each stage of a run (the short-schedule RPN of negative chips, then the detector):
 * epochs of planned chips in batches through the step runner, the stage's log appended at every step, its
 * checkpoint every `checkpointEvery` steps, at each epoch's end and where the run's step limit stops it. A stage
 * with a checkpoint resumes from it exactly: its log cut back to the checkpoint's step, the rest of the epoch's
 * chips, the same random streams and optimizer state.
 */
import type { BadImageLog, Dataset } from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import type * as tf from "@tensorflow/tfjs"
import { Effect, Stream } from "effect"
import { loadCheckpoint, type Progress, saveCheckpoint } from "./checkpoint.ts"
import { chipBatches } from "./chip_batches.ts"
import type { TrainConfig } from "./config.ts"
import { type EpochPlan, remainingEntries } from "./epoch_plan.ts"
import { NoTrainingData, type RunFileError } from "./errors.ts"
import { initBackbone } from "./init_weights.ts"
import type { evaluateCurvePoint } from "./learning_curve.ts"
import type { RunProgress } from "./progress.ts"
import { appendLog, cutLog, type LogRecord } from "./run_log.ts"
import { type StepStage, stageStep } from "./stage_step.ts"

/** A stage of a run: its files, its epochs and chips, and how it speaks. */
export interface Stage extends StepStage {
  /** In front of the stage's log lines ("rpn epoch 1/2 ..."); none for the detector. */
  readonly label?: string | undefined
  /** The stage's checkpoint file (parameters, optimizer state, progress). */
  readonly checkpoint: string
  /** The stage's step log, one record a step. */
  readonly log: string
  readonly epochs: number
  /** The chips of an epoch, re-drawn every epoch; epoch 0's step count is the schedule's epoch length. */
  readonly plan: (epoch: number) => EpochPlan
  /** The epoch line's count of a plan's chips, e.g. "40 chips (12 negative)". */
  readonly describe: (plan: EpochPlan) => string
  /** The variables its optimizer updates (see `TrainingState.updated`); every trainable one by default. */
  readonly updated?: ((detector: Detector) => ReadonlyArray<string>) | undefined
  /** Runs after each checkpoint with the stage's records so far (the detector redraws loss.svg). */
  readonly onCheckpoint?: ((records: ReadonlyArray<LogRecord>) => Effect.Effect<void, RunFileError>) | undefined
  /**
   * Runs after the checkpoint at the end of each epoch (`epochs` finished, `step` steps), and again on resume from
   * such a checkpoint, so a kill during it loses nothing: it must be idempotent (the detector's learning curve).
   */
  readonly afterEpoch?: ((epochs: number, step: number) => Effect.Effect<void, AfterEpochError>) | undefined
}

/** What an `afterEpoch` hook may fail with: an evaluation's errors. */
export type AfterEpochError = Effect.Error<ReturnType<typeof evaluateCurvePoint>>

/** What a stage trains, on what, and where it falls in the run. */
export interface StageRun {
  readonly config: TrainConfig
  readonly trainSet: Dataset
  /** The training images' folder. */
  readonly imageRoot: string
  readonly badImages: BadImageLog
  readonly detector: Detector
  readonly optimizer: tf.Optimizer
  readonly progress: RunProgress
  /** The run's steps before this stage (the RPN stage's, for the detector). */
  readonly before: number
  /** Estimated steps of the stages after this one, for the run's total. */
  readonly after: number
  /** The run's step limit, counted over all its stages (Infinity for none). */
  readonly maxSteps: number
}

export interface StageResult {
  /** Steps of the stage done, this session's and earlier ones'. */
  readonly steps: number
  /** True when the step limit stopped the stage before the end of its last epoch. */
  readonly stopped: boolean
  /** The loss of the stage's last step in this session. */
  readonly lastLoss: number | undefined
}

/**
 * Trains `stage` from its checkpoint (or, without one, from the detector's initial weights and the backbone's
 * init) to the end of its epochs or to the run's step limit, and returns where it stands.
 */
export const trainStage = Effect.fn("trainStage")(function* (stage: Stage, run: StageRun) {
  const { config, detector, optimizer, progress: bar } = run
  const state = { detector, optimizer, updated: stage.updated?.(detector) }
  const prefix = stage.label === undefined ? "" : `${stage.label} `
  const resumed = yield* loadCheckpoint(stage.checkpoint, state)
  const records: Array<LogRecord> = yield* cutLog(stage.log, resumed?.step ?? 0)
  if (resumed === undefined) yield* initBackbone(detector)
  else {
    yield* Effect.logInfo(
      `${prefix}resuming at step ${resumed.step} (epoch ${resumed.epoch + 1}, ${resumed.chipsDone} chips in)`,
    )
    if (resumed.chipsDone === 0 && resumed.epoch > 0)
      yield* stage.afterEpoch?.(resumed.epoch, resumed.step) ?? Effect.void
  }
  let progress: Progress = resumed ?? { step: 0, epoch: 0, chipsDone: 0 }
  const sessionStart = progress.step
  const stepLimit = run.maxSteps - run.before
  let lastLoss: number | undefined
  let stopped = false
  bar.moveTo(run.before + progress.step)
  if (progress.epoch >= stage.epochs) return { steps: progress.step, stopped, lastLoss } satisfies StageResult

  const firstPlan = stage.plan(0)
  const stepsPerEpoch = Math.max(1, Math.ceil(firstPlan.chipCount / config.chipsPerBatch))
  const save = (p: Progress) =>
    Effect.andThen(
      saveCheckpoint(stage.checkpoint, { ...state, progress: p }),
      stage.onCheckpoint?.(records) ?? Effect.void,
    )
  for (let epoch = progress.epoch; epoch < stage.epochs && !stopped; epoch++) {
    const plan = epoch === 0 ? firstPlan : stage.plan(epoch)
    const skip = epoch === progress.epoch ? progress.chipsDone : 0
    const epochSteps = Math.ceil(plan.chipCount / config.chipsPerBatch)
    const left = Math.ceil((plan.chipCount - skip) / config.chipsPerBatch)
    const stageLeft = left + (stage.epochs - epoch - 1) * epochSteps
    bar.setTotal(Math.min(run.maxSteps, run.before + progress.step + stageLeft + run.after))
    yield* Effect.logInfo(
      `${prefix}epoch ${epoch + 1}/${stage.epochs}: ${stage.describe(plan)} from ${plan.entries.length} images (stride ${plan.stride}), ${epochSteps} steps`,
    )
    let chipsDone = skip
    const batches = chipBatches(run.trainSet, remainingEntries(plan, skip), {
      imageRoot: run.imageRoot,
      chipSize: config.chips.chipSize,
      chipsPerBatch: config.chipsPerBatch,
      normalization: config.detector.normalization,
      badImages: run.badImages,
    })
    yield* batches.pipe(
      Stream.takeWhile(() => progress.step < stepLimit),
      Stream.runForEach((batch) =>
        Effect.gen(function* () {
          const { result, rate } = yield* stageStep(batch, {
            detector,
            optimizer,
            config,
            stage,
            step: progress.step,
            stepsPerEpoch,
          })
          lastLoss = result.total
          chipsDone += batch.count
          progress = { step: progress.step + 1, epoch, chipsDone }
          const record: LogRecord = { step: progress.step, epoch: epoch + 1, lr: rate, ...result }
          records.push(record)
          yield* appendLog(stage.log, record)
          const { counts, ...terms } = record
          yield* Effect.logDebug("step").pipe(Effect.annotateLogs({ stage: stage.name, ...terms, ...counts }))
          yield* bar.step({
            stage: stage.label,
            step: run.before + progress.step,
            epoch,
            epochs: stage.epochs,
            chips: batch.count,
            losses: result,
            rate,
          })
          if (progress.step % config.checkpointEvery === 0) yield* save(progress)
        }),
      ),
    )
    if (progress.step >= stepLimit && chipsDone < plan.chipCount) {
      stopped = true
      // a stop before any step of this session leaves the checkpoint (or the fresh start) as it was
      if (progress.step > sessionStart) yield* save(progress)
    } else if (chipsDone === skip) {
      const failures = yield* run.badImages.failures
      return yield* new NoTrainingData({
        source: run.imageRoot,
        reason: `none of the ${plan.entries.length} images with chips in ${prefix}epoch ${epoch + 1} could be read${failures.length === 0 ? "" : ` (${failures.length} unreadable, the first: ${failures[0].message})`}; check data.train.images`,
      })
    } else {
      progress = { step: progress.step, epoch: epoch + 1, chipsDone: 0 }
      yield* save(progress)
      yield* stage.afterEpoch?.(epoch + 1, progress.step) ?? Effect.void
    }
  }
  return { steps: progress.step, stopped, lastLoss } satisfies StageResult
})
