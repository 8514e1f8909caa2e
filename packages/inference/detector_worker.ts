/**
 * The worker side of inference on threads: a thread with its own tensor backend and a replica of the detector
 * (weights read once from the board it is started with), which runs a task (detection, proposals) on each
 * prepared image it is sent. As the entry module it serves detection (detectScaledImage).
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads"
import { createDetector, type Detector, type DetectorConfig } from "@sniper/detector-model"
import type { InferenceOptions } from "./config.ts"
import { detectScaledImage, type ScaledImages } from "./detect_image.ts"
import type { ImageDetections } from "./merge_scales.ts"
import type { ThreadData } from "./thread_pool.ts"
import { serveThreadJobs } from "./thread_worker.ts"
import { readWeights } from "./weight_board.ts"

/** What an inference worker is started with: the replica's config, its weights (see writeWeights) and the
 * task's options, sent once. */
export interface DetectorWorkerData<O> extends ThreadData {
  readonly config: DetectorConfig
  readonly weights: Float32Array
  readonly options: O
}

/** One prepared image to run: `name` (file or id) is what a failure names; its pixels are transferred. */
export interface ImageJob extends ScaledImages {
  readonly name: string
}

/** What a worker computes per image, and which of its result's buffers it moves back rather than copies. */
export interface ImageTask<O, R> {
  readonly run: (detector: Detector, image: ScaledImages, options: O) => R
  readonly transfer: (result: R) => ReadonlyArray<ArrayBuffer>
}

/** SNIPER's detections of an image (detectScaledImage). */
export const detectTask: ImageTask<InferenceOptions, ImageDetections> = {
  run: detectScaledImage,
  transfer: (r) => [r.boxes.buffer, r.scores.buffer, r.categories.buffer, r.scale.buffer] as Array<ArrayBuffer>,
}

/** Test hooks (fault injection): called before each image is run. */
export interface DetectorWorkerHooks {
  readonly beforeImage?: (job: ImageJob) => void
}

/** Serves `task` on `port` until the thread is terminated (see serveThreadJobs). */
export function serveDetector<O, R>(
  port: MessagePort,
  data: DetectorWorkerData<O>,
  task: ImageTask<O, R>,
  hooks: DetectorWorkerHooks = {},
): void {
  let detector: Detector | undefined
  serveThreadJobs(port, data, {
    advice: "run fewer or smaller test scales",
    start: () => {
      detector = createDetector(data.config, { seed: 0 })
      readWeights(detector, data.weights)
    },
    run: (job: ImageJob) => {
      hooks.beforeImage?.(job)
      const result = task.run(detector!, job, data.options)
      return { result, transfer: task.transfer(result) }
    },
  })
}

if (parentPort !== null && (workerData as Partial<ThreadData> | undefined)?.entry === import.meta.url)
  serveDetector(parentPort, workerData as DetectorWorkerData<InferenceOptions>, detectTask)
