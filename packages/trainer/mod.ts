/**
 * SNIPER training: chips re-drawn every epoch, cut from images decoded once, batched through the detector, with
 * checkpoints to resume from and a multi-scale COCO evaluation at the end.
 *
 * ```ts
 * import { demoConfig, train } from "@sniper/trainer"
 * const result = yield* train({ config: demoConfig, runDir: "runs/demo", dataDir: "runs/data" })
 * ```
 * @module
 */

export type { WorkerMemory } from "./_step_protocol.ts"
export { checkpointPath, loadCheckpoint, type Progress, saveCheckpoint } from "./checkpoint.ts"
export { type ChipBatch, chipBatches } from "./chip_batches.ts"
export { chipAreaRange, detectorTruth } from "./chip_sample.ts"
export { decodeTrainConfig, demoConfig, sniperCocoR50, TrainConfig } from "./config.ts"
export { type RunData, resolveData } from "./data.ts"
export { type EpochPlan, type PlannedImage, planEpoch, remainingEntries } from "./epoch_plan.ts"
export { InvalidTrainConfig, RunFileError, RunMismatch } from "./errors.ts"
export { type DetectorEvaluation, evaluateDetector } from "./evaluate.ts"
export { detectMultiScale, type InferenceOptions } from "./infer.ts"
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
