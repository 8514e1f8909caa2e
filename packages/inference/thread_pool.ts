/**
 * Worker threads that each load a tensor backend and a detector replica, and compute the jobs they are sent: the
 * trainer's passes and inference's images both run on it. Threads, not child processes, measured on ResNet-18
 * x0.5 (15.7 MB of weights, wasm, a 2-core machine): start-up with the backend loaded 0.86 s vs 0.98 s; a
 * weights-out, gradients-back round trip 1-9 ms with transferred buffers (18 ms copied) vs 44-270 ms through a
 * child's IPC pipe; +150 MB per worker vs +200 MB of RSS per child. Only threads can share one SharedArrayBuffer
 * of weights, so a broadcast costs one copy whatever the number of workers. The price: a native crash in a worker
 * (a segfault in a native backend, process.abort()) ends the whole process; wasm traps, engine aborts and heap
 * exhaustion are exceptions or thread exits, which stop the pool with the caller's failure.
 */
import { type ResourceLimits, Worker } from "node:worker_threads"
import { Effect, type Scope } from "effect"

/** A worker's high-water marks: its tensor engine's heap (wasm memory never shrinks) and its JS heap. */
export interface WorkerMemory {
  readonly engineBytes: number
  readonly jsHeapBytes: number
}

/** A job as the pool sends it: `id` is echoed in the reply. */
export interface ThreadJob<J> {
  readonly id: number
  readonly job: J
}

/** What a pool's worker says (see serveThreadJobs). */
export type ThreadReply<R> =
  | { readonly kind: "ready"; readonly backend: string }
  | {
      readonly kind: "done"
      readonly id: number
      readonly result: R
      readonly memory: WorkerMemory
      /** This thread's CPU seconds for the job. */
      readonly cpuSeconds: number
    }
  | { readonly kind: "failed"; readonly id: number | undefined; readonly cause: string }

/** What every pool thread is started with (an entry may add its own fields). */
export interface ThreadData {
  /** The thread's entry module (a worker module serves jobs by itself only when it is the entry). */
  readonly entry: string
  /** The main thread's backend ("wasm", "cpu", "tensorflow"): same kernels, same bits. */
  readonly backend: string
}

/** An error as one line; running out of a heap (the thread's JS heap, or the wasm engine's 4 GB, whose
 * exhaustion shows as an abort) says so first, followed by `advice` for the latter. */
export function describeCause(cause: unknown, advice?: string): string {
  const line = (cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)).split("\n")[0]
  if ((cause as { code?: unknown } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY")
    return `out of memory (JS heap): ${line}`
  if (cause instanceof Error && cause.name === "RuntimeError" && /Aborted/.test(line))
    return `out of memory (the wasm engine aborted, usually because its 4 GB heap is full): ${line}${advice === undefined ? "" : `; ${advice}`}`
  return line
}

/** How a pool starts its threads and names a failure. */
export interface ThreadPoolOptions<J, E> {
  readonly workers: number
  /** Each thread's entry module. */
  readonly entry: URL
  /** The thread's workerData (with `entry` and `backend`): typed arrays on SharedArrayBuffers are shared. */
  readonly data: ThreadData
  readonly resourceLimits?: ResourceLimits | undefined
  /** The caller's error for worker `worker` failing with `reason` while running `job` (undefined: starting). */
  readonly failure: (worker: number, job: J | undefined, reason: string) => E
  /** Said after a wasm engine abort that reaches the main thread (see describeCause). */
  readonly advice?: string | undefined
}

/** A job's result, the worker that computed it and that worker's CPU seconds for it. */
export interface JobDone<R> {
  readonly result: R
  readonly worker: number
  readonly cpuSeconds: number
}

/** Threads that each hold a replica and compute the jobs they are sent. */
export interface ThreadPool<J, R, E> {
  readonly size: number
  /** Threads still running: 0 once the pool failed or its scope closed. */
  readonly live: () => number
  /** Each worker's memory high-water marks so far. */
  readonly memory: () => ReadonlyArray<WorkerMemory>
  /**
   * Runs `job` on the next free worker (jobs wait in the order they are run), moving the buffers in `transfer`
   * to it. Fails with the first worker failure, after every thread has stopped; interrupted while a worker
   * computes it, stops every thread (the replica is busy with a job nobody will read).
   */
  readonly run: (job: J, transfer?: ReadonlyArray<ArrayBuffer>) => Effect.Effect<JobDone<R>, E>
}

interface Waiting<J, R, E> {
  readonly id: number
  readonly job: J
  readonly transfer: ReadonlyArray<ArrayBuffer>
  readonly resume: (effect: Effect.Effect<JobDone<R>, E>) => void
}

class Threads<J, R, E> {
  readonly #options: ThreadPoolOptions<J, E>
  readonly #threads: Array<Worker>
  readonly #exited: Array<boolean>
  readonly #busy: Array<Waiting<J, R, E> | undefined>
  readonly #memory: Array<WorkerMemory>
  readonly #queue: Array<Waiting<J, R, E>> = []
  #starting: number
  #onReady: (() => void) | undefined
  #onStartFailure: ((failure: E) => void) | undefined
  #failure: E | undefined
  #stopped = false
  #stopping: Promise<unknown> | undefined
  #nextId = 0

  constructor(options: ThreadPoolOptions<J, E>) {
    this.#options = options
    const { workers } = options
    this.#starting = workers
    this.#exited = Array.from({ length: workers }, () => false)
    this.#busy = Array.from({ length: workers }, () => undefined)
    this.#memory = Array.from({ length: workers }, () => ({ engineBytes: 0, jsHeapBytes: 0 }))
    this.#threads = Array.from({ length: workers }, (_, i) => {
      const thread = new Worker(options.entry, { workerData: options.data, resourceLimits: options.resourceLimits })
      thread.on("message", (reply: ThreadReply<R>) => this.#onReply(i, reply))
      thread.on("error", (error) => this.#fail(i, describeCause(error, options.advice)))
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

  #onReply(worker: number, reply: ThreadReply<R>): void {
    if (this.#failure !== undefined) return
    if (reply.kind === "ready") {
      if (--this.#starting === 0) this.#onReady?.()
    } else if (reply.kind === "done") {
      this.#memory[worker] = reply.memory
      const waiting = this.#busy[worker]
      this.#busy[worker] = undefined
      this.#dispatch(worker)
      waiting?.resume(Effect.succeed({ result: reply.result, worker, cpuSeconds: reply.cpuSeconds }))
    } else this.#fail(worker, reply.cause)
  }

  /** Sends the next waiting job to `worker` if it is free. */
  #dispatch(worker: number): void {
    if (this.#busy[worker] !== undefined || this.#starting > 0 || this.#stopped) return
    const next = this.#queue.shift()
    if (next === undefined) return
    this.#busy[worker] = next
    const message: ThreadJob<J> = { id: next.id, job: next.job }
    this.#threads[worker].postMessage(message, [...new Set(next.transfer)])
  }

  /** The first failure stops every thread, then (once they are all gone) fails every job still waiting. */
  #fail(worker: number, reason: string): void {
    if (this.#failure !== undefined) return
    const failure = this.#options.failure(worker, this.#busy[worker]?.job, reason)
    this.#failure = failure
    const waiting = [...this.#busy.filter((w) => w !== undefined), ...this.#queue]
    this.#busy.fill(undefined)
    this.#queue.length = 0
    const starting = this.#onStartFailure
    this.#onStartFailure = undefined
    void this.#stop().then(() => {
      for (const w of waiting) w.resume(Effect.fail(failure))
      starting?.(failure)
    })
  }

  /** Terminates every thread; resolves when all have exited. */
  #stop(): Promise<unknown> {
    this.#stopped = true
    this.#stopping ??= Promise.all(this.#threads.map((t) => t.terminate()))
    return this.#stopping
  }

  /** Fails with the pool's failure once every thread is gone. */
  #failedAlready(failure: E): Effect.Effect<never, E> {
    return Effect.flatMap(
      Effect.promise(() => this.#stop()),
      () => Effect.fail(failure),
    )
  }

  /** Waits for every thread to load its backend. */
  ready(): Effect.Effect<void, E> {
    return Effect.callback<void, E>((resume) => {
      if (this.#failure !== undefined) return resume(this.#failedAlready(this.#failure))
      if (this.#starting === 0) return resume(Effect.void)
      this.#onReady = () => {
        this.#onStartFailure = undefined
        resume(Effect.void)
      }
      this.#onStartFailure = (failure) => resume(Effect.fail(failure))
    })
  }

  run(job: J, transfer: ReadonlyArray<ArrayBuffer>): Effect.Effect<JobDone<R>, E> {
    return Effect.callback<JobDone<R>, E>((resume) => {
      if (this.#failure !== undefined) return resume(this.#failedAlready(this.#failure))
      if (this.#stopped) return resume(Effect.die(new RangeError("Cannot run a job: the worker pool was stopped")))
      const waiting: Waiting<J, R, E> = { id: this.#nextId++, job, transfer, resume }
      this.#queue.push(waiting)
      const free = this.#busy.indexOf(undefined)
      if (free >= 0) this.#dispatch(free)
      return Effect.promise(() => {
        const queued = this.#queue.indexOf(waiting)
        if (queued >= 0) {
          this.#queue.splice(queued, 1)
          return Promise.resolve()
        }
        // Interrupted while a worker computes it: stop them all rather than wait for a result nobody reads.
        return this.#busy.includes(waiting) ? this.#stop() : Promise.resolve()
      }).pipe(Effect.asVoid)
    })
  }

  /** Stops every thread and waits until they are gone. */
  close(): Effect.Effect<void> {
    return Effect.promise(() => this.#stop()).pipe(Effect.asVoid)
  }
}

/**
 * Starts `workers` threads of `entry`, each loading the backend and saying "ready", and stops them when the scope
 * closes (success, failure or interruption). Fails with the caller's failure if a thread cannot start.
 */
export const makeThreadPool = <J, R, E>(
  options: ThreadPoolOptions<J, E>,
): Effect.Effect<ThreadPool<J, R, E>, E, Scope.Scope> =>
  Effect.gen(function* () {
    if (!Number.isInteger(options.workers) || options.workers < 1)
      return yield* Effect.die(
        new RangeError(`Cannot start workers: workers must be a positive integer, current value is ${options.workers}`),
      )
    const threads = yield* Effect.acquireRelease(
      Effect.sync(() => new Threads<J, R, E>(options)),
      (t) => t.close(),
    )
    yield* threads.ready()
    return {
      size: threads.size,
      live: () => threads.live(),
      memory: () => threads.memory(),
      run: (job, transfer = []) => threads.run(job, transfer),
    } satisfies ThreadPool<J, R, E>
  }).pipe(Effect.withSpan("makeThreadPool"))
