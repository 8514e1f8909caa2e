/** The step runner's worker threads: inference's thread pool serving passes (see makeThreadPool). */
import type { ResourceLimits } from "node:worker_threads"
import type { PassGradients } from "@sniper/detector-model"
import { makeThreadPool, type WorkerMemory } from "@sniper/inference"
import { Effect, Schema, type Scope } from "effect"
import { type PassJob, type StepWorkerData, stepAdvice } from "./_step_protocol.ts"

/** A step worker threw, crashed, exited or ran out of heap: the run stops, every worker is stopped. */
export class WorkerFailed extends Schema.TaggedError<WorkerFailed>()("WorkerFailed", {
  worker: Schema.Number,
  /** Undefined while the pool starts. */
  step: Schema.UndefinedOr(Schema.Number),
  pass: Schema.UndefinedOr(Schema.Number),
  reason: Schema.String,
}) {
  override get message() {
    const when =
      this.step === undefined
        ? "while starting"
        : `at step ${this.step}${this.pass === undefined ? "" : ` (pass ${this.pass})`}`
    return `Cannot train: step worker ${this.worker} failed ${when}: ${this.reason}`
  }
}

/** How the pool starts its threads. */
export interface PoolOptions {
  readonly workers: number
  /** The main thread's backend, which every worker loads too. */
  readonly backend: string
  /** Each thread's entry module (default: step_worker.ts); tests swap in one with fault hooks. */
  readonly entry?: URL | undefined
  /** More workerData for such an entry. */
  readonly data?: Readonly<Record<string, unknown>> | undefined
  readonly resourceLimits?: ResourceLimits | undefined
}

/** A pass to send: its job without the step's weights and version, which the pool adds. */
export type PassInput = Omit<PassJob, "version" | "weights">

/** Wall seconds from the first job sent to the last result in, and the workers' CPU seconds for the passes. */
export interface PoolRun {
  readonly seconds: number
  readonly cpuSeconds: number
}

/** Threads that each hold a detector replica and compute the passes they are sent. */
export interface WorkerPool {
  readonly size: number
  /** Threads still running: 0 once the pool failed or its scope closed. */
  readonly live: () => number
  /** Each worker's memory high-water marks so far. */
  readonly memory: () => ReadonlyArray<WorkerMemory>
  /**
   * Runs `passes` of step `step` on the workers with `weights` (see writeWeights), each free worker taking the
   * next pass; `onResult` receives each result as it arrives (in any order). Fails on the first worker that
   * fails, after stopping every thread.
   */
  readonly run: (
    step: number,
    weights: Float32Array,
    passes: ReadonlyArray<PassInput>,
    onResult: (index: number, result: PassGradients) => void,
  ) => Effect.Effect<PoolRun, WorkerFailed>
}

/**
 * Starts `workers` step-worker threads, each loading `backend` and waiting for passes, and stops them when the
 * scope closes (success, failure or interruption). Fails if a thread cannot start.
 */
export const makeWorkerPool = Effect.fn("makeWorkerPool")(function* (options: PoolOptions) {
  const entry = options.entry ?? new URL("./step_worker.ts", import.meta.url)
  const data: StepWorkerData = { ...options.data, entry: entry.href, backend: options.backend }
  /** The step running or last run (undefined until the first): what a failure is reported against. */
  let current: number | undefined
  let version = 0
  const threads = yield* makeThreadPool<PassJob, PassGradients, WorkerFailed>({
    workers: options.workers,
    entry,
    data,
    resourceLimits: options.resourceLimits,
    advice: stepAdvice,
    failure: (worker, job, reason) => new WorkerFailed({ worker, step: current, pass: job?.pass.index, reason }),
  })
  const pool: WorkerPool = {
    size: threads.size,
    live: threads.live,
    memory: threads.memory,
    run: (step, weights, passes, onResult) =>
      Effect.suspend(() => {
        current = step
        version++
        const started = performance.now()
        let cpuSeconds = 0
        return Effect.forEach(
          passes,
          (input) =>
            threads.run({ ...input, version, weights }, [input.pixels.buffer as ArrayBuffer]).pipe(
              Effect.flatMap((done) =>
                Effect.sync(() => {
                  cpuSeconds += done.cpuSeconds
                  onResult(input.pass.index, done.result)
                }),
              ),
            ),
          { concurrency: "unbounded", discard: true },
        ).pipe(Effect.map(() => ({ seconds: (performance.now() - started) / 1000, cpuSeconds })))
      }),
  }
  return pool
}) satisfies (options: PoolOptions) => Effect.Effect<WorkerPool, WorkerFailed, Scope.Scope>
