/**
 * SNIPER training: chips re-drawn every epoch, cut from images decoded once, batched through the detector. One
 * loop trains each stage (the short-schedule RPN of negative chips, then the detector), taking its steps through
 * the StepRunner service, with checkpoints to resume from exactly, in a locked run folder that checks its
 * configuration and data; progress through Effect's Logger (a bar on a terminal), a loss plot, and a multi-scale
 * COCO evaluation at the end.
 *
 * ```ts
 * import { demoConfig, StepRunner, train } from "@sniper/trainer"
 * const result = yield* train({ config: demoConfig, runDir: "runs/demo", dataDir: "runs/data" }).pipe(
 *   Effect.provide(StepRunner.inProcess),
 * )
 * // later, two more epochs on the finished run:
 * yield* train({ config: { ...demoConfig, epochs: demoConfig.epochs + 2 }, runDir: "runs/demo", dataDir: "runs/data", extend: true })
 *   .pipe(Effect.provide(StepRunner.inProcess))
 * ```
 * @module
 */

export {
  checkpointPath,
  loadCheckpoint,
  optimizerSlotProblem,
  type Progress,
  saveCheckpoint,
  type TrainingState,
} from "./checkpoint.ts"
export { type ChipBatch, chipBatches } from "./chip_batches.ts"
export { chipAreaRange } from "./chip_sample.ts"
export { decodeTrainConfig, demoConfig, sniperCocoR50, TrainConfig } from "./config.ts"
export { configDifferences, type Difference } from "./config_differences.ts"
export { overlayConfig } from "./config_overlay.ts"
export { type RunData, resolveData } from "./data.ts"
export { type DataFingerprint, fingerprintChanges, type SplitFingerprint, sha256File } from "./data_fingerprint.ts"
export { type EpochPlan, type PlannedImage, planEpoch, remainingEntries } from "./epoch_plan.ts"
export { InvalidTrainConfig, NoTrainingData, RunFileError, RunLocked, RunMismatch } from "./errors.ts"
export {
  type DetectorEvaluation,
  evaluateDetector,
  evaluateOnVal,
  type Picture,
  type PictureHook,
  perCategoryTable,
} from "./evaluate.ts"
export { lossPlotSpec, writeLossPlot } from "./loss_plot.ts"
export { proposalsPath, rpnCheckpointPath, rpnLogPath, rpnWeightsPath } from "./negatives.ts"
export {
  barFits,
  formatDuration,
  type ProgressMode,
  type RunProgress,
  runSecondsLeft,
  type StepReport,
  withRunProgress,
} from "./progress.ts"
export { categoryMismatch, loadRunData, type RunDatasets } from "./run_data.ts"
export { openRunDir, prepareRunDir } from "./run_dir.ts"
export { appendLog, cutLog, type LogRecord, loggedSteps, logPath, recordsUpTo } from "./run_log.ts"
export { learningRateAt, type ScheduleOptions } from "./schedule.ts"
export { type StepOptions, type StepOutcome, type StepStage, stageStep } from "./stage_step.ts"
export {
  type RunnerStep,
  type RunnerStepOptions,
  StepRunner,
  type StepTiming,
  type WorkerLayerOptions,
} from "./step_runner.ts"
export { type TrainOptions, type TrainResult, train } from "./train.ts"
export { type Stage, type StageResult, type StageRun, trainStage } from "./train_stage.ts"
export { defaultWorkerCount, workerBytes, workersFor } from "./worker_count.ts"
export { WorkerFailed } from "./worker_pool.ts"
