/** Messages between the step runner's pool (main thread) and its workers, and how a failure reads. */
import type { DetectorConfig, PassGradients, PlannedPass, TrainingBatch } from "@sniper/detector-model"

/** One pass to compute: its chips (pixels transferred, not copied) and the step's weights. */
export interface PassJob {
  readonly kind: "pass"
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

/** A worker's high-water marks: its tensor engine's heap (wasm memory never shrinks) and its JS heap. */
export interface WorkerMemory {
  readonly engineBytes: number
  readonly jsHeapBytes: number
}

/** What a worker says. */
export type WorkerReply =
  | { readonly kind: "ready"; readonly backend: string }
  | {
      readonly kind: "pass"
      readonly index: number
      readonly result: PassGradients
      readonly memory: WorkerMemory
      /** This thread's CPU seconds for the pass. */
      readonly cpuSeconds: number
    }
  | { readonly kind: "failed"; readonly index: number | undefined; readonly cause: string }

/** What a worker thread is started with (a test entry may add its own fields). */
export interface StepWorkerData {
  /** The thread's entry module (step_worker.ts serves passes by itself only when it is the entry). */
  readonly entry: string
  /** The main thread's backend ("wasm", "cpu", "tensorflow"): same kernels, same bits. */
  readonly backend: string
}

/** Test hooks (fault injection): called before each pass is computed. */
export interface StepWorkerHooks {
  readonly beforePass?: (job: PassJob) => void
}

/** An error as one line; running out of a heap (the thread's JS heap, or the wasm engine's 4 GB, whose
 * exhaustion shows as an abort) says so first. */
export function describeCause(cause: unknown): string {
  const line = (cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)).split("\n")[0]
  if ((cause as { code?: unknown } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY")
    return `out of memory (JS heap): ${line}`
  if (cause instanceof Error && cause.name === "RuntimeError" && /Aborted/.test(line))
    return `out of memory (the wasm engine aborted, usually because its 4 GB heap is full): ${line}; lower chipsPerPass or turn on recompute`
  return line
}
