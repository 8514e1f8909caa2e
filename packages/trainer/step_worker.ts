/**
 * The worker side of the step runner: a thread with its own tensor backend and a replica of the detector, which
 * computes the passes it is sent (passGradients) and sends back gradients, losses and batch-norm statistics.
 */
import { getHeapStatistics } from "node:v8"
import { type MessagePort, parentPort, workerData } from "node:worker_threads"
import {
  createDetector,
  type Detector,
  disposeDetector,
  type PassGradients,
  passGradients,
  passPrng,
} from "@sniper/detector-model"
import { selectBackend } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect, Result } from "effect"
import {
  describeCause,
  type PassJob,
  type StepWorkerData,
  type WorkerMemory,
  type WorkerReply,
} from "./_step_protocol.ts"
import { readWeights } from "./_weight_board.ts"

function engineBytes(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }
  return backend.wasm?.HEAPU8?.length ?? 0
}

/** The replica, rebuilt when the config changes, with the weights of the last version loaded. */
class Replica {
  #detector: Detector | undefined
  #configKey = ""
  #version = -1
  #memory = { engineBytes: 0, jsHeapBytes: 0 }

  run(job: PassJob): { result: PassGradients; memory: WorkerMemory } {
    const key = JSON.stringify(job.config)
    if (this.#detector === undefined || key !== this.#configKey) {
      if (this.#detector !== undefined) disposeDetector(this.#detector)
      this.#detector = createDetector(job.config, { seed: 0 })
      this.#configKey = key
      this.#version = -1
    }
    const detector = this.#detector
    if (job.version !== this.#version) {
      readWeights(detector, job.weights)
      this.#version = job.version
    }
    const { start, end } = job.pass
    const images = tf.tensor4d(job.pixels, [end - start, job.size, job.size, 3])
    try {
      const result = passGradients(
        detector,
        { images, truths: job.truths, areaRanges: job.areaRanges },
        { prng: passPrng(job.pass), recompute: job.recompute, rpnOnly: job.rpnOnly },
      )
      this.#memory = {
        engineBytes: Math.max(this.#memory.engineBytes, engineBytes()),
        jsHeapBytes: Math.max(this.#memory.jsHeapBytes, getHeapStatistics().total_heap_size),
      }
      return { result, memory: this.#memory }
    } finally {
      images.dispose()
    }
  }
}

/** Buffers a pass result owns (sent by transfer, not copied). */
function transferables(result: PassGradients): Array<ArrayBuffer> {
  return result.gradients.flatMap((g) => (g === undefined ? [] : [g.buffer as ArrayBuffer]))
}

/** Test hooks (fault injection): called before each pass is computed. */
export interface StepWorkerHooks {
  readonly beforePass?: (job: PassJob) => void
}

/**
 * Serves passes on `port` until the thread is terminated: loads the backend, says "ready", then answers each
 * job with its result or the cause of its failure (the main thread then stops the pool).
 */
export function serveSteps(port: MessagePort, data: StepWorkerData, hooks: StepWorkerHooks = {}): void {
  const replica = new Replica()
  const reply = (message: WorkerReply, transfer?: Array<ArrayBuffer>) => port.postMessage(message, transfer)
  Effect.runPromise(Effect.result(selectBackend(data.backend, "the main thread's backend"))).then((loaded) => {
    if (Result.isFailure(loaded)) return reply({ kind: "failed", index: undefined, cause: loaded.failure.message })
    reply({ kind: "ready", backend: tf.getBackend() })
    port.on("message", (job: PassJob) => {
      const cpu = process.threadCpuUsage()
      const outcome = Effect.runSync(
        Effect.result(
          Effect.try({
            try: () => {
              hooks.beforePass?.(job)
              return replica.run(job)
            },
            catch: describeCause,
          }),
        ),
      )
      if (Result.isFailure(outcome)) return reply({ kind: "failed", index: job.pass.index, cause: outcome.failure })
      const { result, memory } = outcome.success
      const used = process.threadCpuUsage(cpu)
      reply(
        { kind: "pass", index: job.pass.index, result, memory, cpuSeconds: (used.user + used.system) / 1e6 },
        transferables(result),
      )
    })
  })
}

if (parentPort !== null && (workerData as Partial<StepWorkerData> | undefined)?.entry === import.meta.url)
  serveSteps(parentPort, workerData as StepWorkerData)
