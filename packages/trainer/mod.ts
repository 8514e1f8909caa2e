/**
 * SNIPER training: chips re-drawn every epoch, cut from images decoded once, batched through the detector, with
 * checkpoints to resume from (in a locked run folder that checks its configuration and data), progress through
 * Effect's Logger (a bar on a terminal), a loss plot, and a multi-scale COCO evaluation at the end.
 *
 * ```ts
 * import { demoConfig, train } from "@sniper/trainer"
 * const result = yield* train({ config: demoConfig, runDir: "runs/demo", dataDir: "runs/data" })
 * // later, two more epochs on the finished run:
 * yield* train({ config: { ...demoConfig, epochs: demoConfig.epochs + 2 }, runDir: "runs/demo", dataDir: "runs/data", extend: true })
 * ```
 * @module
 */

export type { WorkerMemory } from "./_step_protocol.ts"
export { checkpointPath, loadCheckpoint, optimizerSlotProblem, type Progress, saveCheckpoint } from "./checkpoint.ts"
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
export { barFits, formatDuration, type ProgressMode, runSecondsLeft } from "./progress.ts"
export { categoryMismatch, loadRunData, type RunDatasets } from "./run_data.ts"
export { openRunDir, prepareRunDir } from "./run_dir.ts"
export { appendLog, cutLog, type LogRecord, logPath, recordsUpTo } from "./run_log.ts"
export { learningRateAt, type ScheduleOptions } from "./schedule.ts"
export {
  type RunnerStep,
  type RunnerStepOptions,
  StepRunner,
  type StepTiming,
  type WorkerLayerOptions,
} from "./step_runner.ts"
export { type TrainOptions, type TrainResult, train } from "./train.ts"
export { defaultWorkerCount } from "./worker_count.ts"
export { WorkerFailed } from "./worker_pool.ts"
