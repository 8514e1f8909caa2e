/** The worker side of a thread pool: load the backend, say "ready", then answer each job (see makeThreadPool). */
import { getHeapStatistics } from "node:v8"
import type { MessagePort } from "node:worker_threads"
import { selectBackend } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect, Result } from "effect"
import { describeCause, type ThreadData, type ThreadJob, type ThreadReply, type WorkerMemory } from "./thread_pool.ts"

function engineBytes(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }
  return backend.wasm?.HEAPU8?.length ?? 0
}

/** How a worker computes its jobs. */
export interface JobServer<J, R> {
  /** Runs once the backend is loaded, before "ready" (e.g. builds the replica); a throw fails the start. */
  readonly start?: (() => void) | undefined
  /** Computes one job; `transfer`: buffers of the result to move to the main thread rather than copy. */
  readonly run: (job: J) => { readonly result: R; readonly transfer?: ReadonlyArray<ArrayBuffer> | undefined }
  /** Said after a wasm engine abort (see describeCause). */
  readonly advice?: string | undefined
}

/**
 * Serves jobs on `port` until the thread is terminated: loads `data.backend`, runs `server.start`, says "ready",
 * then answers each job with its result (with this thread's CPU seconds and memory high-water marks) or the cause
 * of its failure as one line (the main thread then stops the pool).
 */
export function serveThreadJobs<J, R>(port: MessagePort, data: ThreadData, server: JobServer<J, R>): void {
  let memory: WorkerMemory = { engineBytes: 0, jsHeapBytes: 0 }
  const reply = (message: ThreadReply<R>, transfer?: ReadonlyArray<ArrayBuffer>) =>
    port.postMessage(message, transfer === undefined ? undefined : [...new Set(transfer)])
  const attempt = <A>(f: () => A) =>
    Effect.runSync(Effect.result(Effect.try({ try: f, catch: (cause) => describeCause(cause, server.advice) })))
  Effect.runPromise(Effect.result(selectBackend(data.backend, "the main thread's backend"))).then((loaded) => {
    if (Result.isFailure(loaded)) return reply({ kind: "failed", id: undefined, cause: loaded.failure.message })
    const started = attempt(() => server.start?.())
    if (Result.isFailure(started)) return reply({ kind: "failed", id: undefined, cause: started.failure })
    reply({ kind: "ready", backend: tf.getBackend() })
    port.on("message", ({ id, job }: ThreadJob<J>) => {
      const cpu = process.threadCpuUsage()
      const outcome = attempt(() => server.run(job))
      if (Result.isFailure(outcome)) return reply({ kind: "failed", id, cause: outcome.failure })
      const { result, transfer } = outcome.success
      const used = process.threadCpuUsage(cpu)
      memory = {
        engineBytes: Math.max(memory.engineBytes, engineBytes()),
        jsHeapBytes: Math.max(memory.jsHeapBytes, getHeapStatistics().total_heap_size),
      }
      reply({ kind: "done", id, result, memory, cpuSeconds: (used.user + used.system) / 1e6 }, transfer)
    })
  })
}
