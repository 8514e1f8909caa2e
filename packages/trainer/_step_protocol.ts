/** Messages between the step runner's pool (main thread) and its workers. */
import type { DetectorConfig, PlannedPass, TrainingBatch } from "@sniper/detector-model"
import type { ThreadData } from "@sniper/inference"

/** One pass to compute: its chips (pixels transferred, not copied) and the step's weights. */
export interface PassJob {
  /** Changes with every step: a worker reloads the weights when it differs from the last one it loaded. */
  readonly version: number
  readonly config: DetectorConfig
  /** Every variable end to end, on a SharedArrayBuffer (see writeWeights). */
  readonly weights: Float32Array
  readonly pass: PlannedPass
  readonly size: number
  /** The pass's chips, (end - start) x size x size x 3. */
  readonly pixels: Float32Array
  readonly truths: TrainingBatch["truths"]
  readonly areaRanges: ReadonlyArray<readonly [number, number]> | undefined
  readonly recompute: boolean | undefined
  readonly rpnOnly: boolean | undefined
}

/** What a step worker thread is started with (a test entry may add its own fields). */
export type StepWorkerData = ThreadData

/** Said after a wasm engine abort in a step worker. */
export const stepAdvice = "lower chipsPerPass or turn on recompute"
