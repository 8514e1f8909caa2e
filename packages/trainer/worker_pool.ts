/**
 * The step runner's worker threads. Threads, not child processes, measured on ResNet-18 x0.5 (15.7 MB of weights,
 * wasm, this 2-core machine): start-up with the backend loaded 0.86 s vs 0.98 s; a weights-out, gradients-back
 * round trip 1-9 ms with transferred buffers (18 ms copied) vs 44-270 ms through a child's IPC pipe; +150 MB
 * per worker vs +200 MB of RSS per child. Only threads can share one SharedArrayBuffer of weights, so the
 * broadcast costs one copy whatever the number of workers. The price: a native crash in a worker (a segfault in
 * a native backend, process.abort()) ends the whole process; wasm traps, engine aborts and heap exhaustion are
 * exceptions or thread exits, which stop the pool with a WorkerFailed.
 */
import { type ResourceLimits, Worker } from "node:worker_threads"
import type { PassGradients } from "@sniper/detector-model"
import { Effect, Schema, type Scope } from "effect"
import {
  describeCause,
  type PassJob,
  type StepWorkerData,
  type WorkerMemory,
  type WorkerReply,
} from "./_step_protocol.ts"

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
export type PassInput = Omit<PassJob, "kind" | "version" | "weights">

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

interface Listener {
  readonly ready: (worker: number) => void
  readonly pass: (worker: number, reply: Extract<WorkerReply, { kind: "pass" }>) => void
  readonly fail: (error: WorkerFailed) => void
}

class Threads {
  readonly #threads: Array<Worker>
  readonly #exited: Array<boolean>
  readonly #busy: Array<number | undefined>
  readonly #memory: Array<WorkerMemory>
  /** The step running or last run (undefined until the first): what a failure is reported against. */
  #step: number | undefined
  #failure: WorkerFailed | undefined
  #stopped = false
  #stopping: Promise<unknown> | undefined
  #listener: Listener | undefined
  #version = 0

  constructor(options: PoolOptions) {
    const entry = options.entry ?? new URL("./step_worker.ts", import.meta.url)
    const workerData: StepWorkerData = { ...options.data, entry: entry.href, backend: options.backend }
    this.#exited = Array.from({ length: options.workers }, () => false)
    this.#busy = Array.from({ length: options.workers }, () => undefined)
    this.#memory = Array.from({ length: options.workers }, () => ({ engineBytes: 0, jsHeapBytes: 0 }))
    this.#threads = Array.from({ length: options.workers }, (_, i) => {
      const thread = new Worker(entry, { workerData, resourceLimits: options.resourceLimits })
      thread.on("message", (reply: WorkerReply) => this.#onReply(i, reply))
      thread.on("error", (error) => this.#fail(i, describeCause(error)))
      thread.on("exit", (code) => {
        this.#exited[i] = true
        if (!this.#stopped) this.#fail(i, `its thread exited with code ${code}`)
      })
      return thread
    })
  }

  get size(): number {
    return this.#threads.length
  }

  live(): number {
    return this.#exited.filter((e) => !e).length
  }

  memory(): ReadonlyArray<WorkerMemory> {
    return [...this.#memory]
  }

  #onReply(worker: number, reply: WorkerReply): void {
    if (reply.kind === "ready") this.#listener?.ready(worker)
    else if (reply.kind === "pass") {
      this.#memory[worker] = reply.memory
      this.#listener?.pass(worker, reply)
    } else this.#fail(worker, reply.cause)
  }

  /** The first failure stops every thread, then (once they are all gone) fails the waiting step. */
  #fail(worker: number, reason: string): void {
    if (this.#failure !== undefined) return
    const failure = new WorkerFailed({ worker, step: this.#step, pass: this.#busy[worker], reason })
    this.#failure = failure
    const listener = this.#listener
    this.#listener = undefined
    void this.#stop().then(() => listener?.fail(failure))
  }

  /** Terminates every thread; resolves when all have exited. */
  #stop(): Promise<unknown> {
    this.#stopped = true
    this.#stopping ??= Promise.all(this.#threads.map((t) => t.terminate()))
    return this.#stopping
  }

  /** Waits for every thread to load its backend. */
  ready(): Effect.Effect<void, WorkerFailed> {
    return Effect.callback<void, WorkerFailed>((resume) => {
      const failure = this.#failure
      if (failure !== undefined) return void this.#stop().then(() => resume(Effect.fail(failure)))
      let waiting = this.#threads.length
      this.#listener = {
        ready: () => {
          if (--waiting > 0) return
          this.#listener = undefined
          resume(Effect.void)
        },
        pass: () => {},
        fail: (error) => resume(Effect.fail(error)),
      }
    })
  }

  run(
    step: number,
    weights: Float32Array,
    passes: ReadonlyArray<PassInput>,
    onResult: (index: number, result: PassGradients) => void,
  ): Effect.Effect<PoolRun, WorkerFailed> {
    return Effect.callback<PoolRun, WorkerFailed>((resume) => {
      const failure = this.#failure
      if (failure !== undefined) return void this.#stop().then(() => resume(Effect.fail(failure)))
      if (this.#stopped) return resume(Effect.die(new RangeError("Cannot run a step: the worker pool was stopped")))
      const version = ++this.#version
      const started = performance.now()
      let next = 0
      let done = 0
      let cpuSeconds = 0
      this.#step = step
      const send = (worker: number) => {
        const input = passes[next++]
        this.#busy[worker] = input?.pass.index
        if (input === undefined) return
        const job: PassJob = { ...input, kind: "pass", version, weights }
        this.#threads[worker].postMessage(job, [input.pixels.buffer as ArrayBuffer])
      }
      this.#listener = {
        ready: () => {},
        pass: (worker, reply) => {
          cpuSeconds += reply.cpuSeconds
          this.#busy[worker] = undefined
          try {
            onResult(reply.index, reply.result)
          } catch (defect) {
            this.#listener = undefined
            return void this.#stop().then(() => resume(Effect.die(defect)))
          }
          if (++done < passes.length) return send(worker)
          this.#listener = undefined
          resume(Effect.succeed({ seconds: (performance.now() - started) / 1000, cpuSeconds }))
        },
        fail: (error) => resume(Effect.fail(error)),
      }
      for (let worker = 0; worker < this.#threads.length; worker++) send(worker)
      // Interrupted mid-step: the replicas are busy with passes nobody will read; stop them.
      return Effect.promise(() => {
        if (this.#listener === undefined) return Promise.resolve()
        this.#listener = undefined
        return this.#stop()
      }).pipe(Effect.asVoid)
    })
  }

  /** Stops every thread and waits until they are gone. */
  close(): Effect.Effect<void> {
    this.#listener = undefined
    return Effect.promise(() => this.#stop()).pipe(Effect.asVoid)
  }
}

/**
 * Starts `workers` step-worker threads, each loading `backend` and waiting for passes, and stops them when the
 * scope closes (success, failure or interruption). Fails if a thread cannot start.
 */
export const makeWorkerPool = Effect.fn("makeWorkerPool")(function* (options: PoolOptions) {
  if (!Number.isInteger(options.workers) || options.workers < 1)
    return yield* Effect.die(
      new RangeError(`Cannot start workers: workers must be a positive integer, current value is ${options.workers}`),
    )
  const threads = yield* Effect.acquireRelease(
    Effect.sync(() => new Threads(options)),
    (t) => t.close(),
  )
  yield* threads.ready()
  const pool: WorkerPool = {
    size: threads.size,
    live: () => threads.live(),
    memory: () => threads.memory(),
    run: (step, weights, passes, onResult) => threads.run(step, weights, passes, onResult),
  }
  return pool
}) satisfies (options: PoolOptions) => Effect.Effect<WorkerPool, WorkerFailed, Scope.Scope>
