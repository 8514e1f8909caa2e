/**
 * The worker side of the step runner: a thread with its own tensor backend and a replica of the detector, which
 * computes the passes it is sent (passGradients) and sends back gradients, losses and batch-norm statistics.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads"
import {
  createDetector,
  type Detector,
  disposeDetector,
  type PassGradients,
  passGradients,
  passPrng,
} from "@sniper/detector-model"
import { readWeights, serveThreadJobs } from "@sniper/inference"
import * as tf from "@tensorflow/tfjs"
import { type PassJob, type StepWorkerData, stepAdvice } from "./_step_protocol.ts"

/** The replica, rebuilt when the config changes, with the weights of the last version loaded. */
class Replica {
  #detector: Detector | undefined
  #configKey = ""
  #version = -1

  run(job: PassJob): PassGradients {
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
      return passGradients(
        detector,
        { images, truths: job.truths, areaRanges: job.areaRanges },
        { prng: passPrng(job.pass), recompute: job.recompute, rpnOnly: job.rpnOnly },
      )
    } finally {
      images.dispose()
    }
  }
}

/** Test hooks (fault injection): called before each pass is computed. */
export interface StepWorkerHooks {
  readonly beforePass?: (job: PassJob) => void
}

/**
 * Serves passes on `port` until the thread is terminated (inference's serveThreadJobs): each job is answered
 * with its gradients (their buffers transferred, not copied) or the cause of its failure.
 */
export function serveSteps(port: MessagePort, data: StepWorkerData, hooks: StepWorkerHooks = {}): void {
  const replica = new Replica()
  serveThreadJobs(port, data, {
    advice: stepAdvice,
    run: (job: PassJob) => {
      hooks.beforePass?.(job)
      const result = replica.run(job)
      return { result, transfer: result.gradients.flatMap((g) => (g === undefined ? [] : [g.buffer as ArrayBuffer])) }
    },
  })
}

if (parentPort !== null && (workerData as Partial<StepWorkerData> | undefined)?.entry === import.meta.url)
  serveSteps(parentPort, workerData as StepWorkerData)
