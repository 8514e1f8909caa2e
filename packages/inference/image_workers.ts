import type { ResourceLimits } from "node:worker_threads"
import type { BadImage, DecodedImage } from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import * as tf from "@tensorflow/tfjs"
import { Effect, Schema, type Scope, Stream } from "effect"
import type { DetectorWorkerData, ImageJob, ImageTask } from "./detector_worker.ts"
import { type DecodeOptions, type PreparedImage, preparedImages } from "./image_stream.ts"
import type { Resolution } from "./scale_geometry.ts"
import { makeThreadPool, type ThreadPool } from "./thread_pool.ts"
import { writeWeights } from "./weight_board.ts"

/** An inference worker threw, crashed, exited or ran out of heap: the stream stops, every worker is stopped. */
export class InferenceWorkerFailed extends Schema.TaggedError<InferenceWorkerFailed>()("InferenceWorkerFailed", {
  worker: Schema.Number,
  /** The image it was running (file or id); undefined while the pool starts. */
  image: Schema.UndefinedOr(Schema.String),
  reason: Schema.String,
}) {
  override get message() {
    const when = this.image === undefined ? "while starting" : `on image ${this.image}`
    return `Cannot run inference: worker ${this.worker} failed ${when}: ${this.reason}`
  }
}

/** How the inference workers start (tests swap the entry module to inject faults, or limit the JS heap). */
export interface ImageWorkerOptions {
  /** Worker threads; 1 or fewer (default): this thread, one image after the other. */
  readonly workers?: number | undefined
  /** Each thread's entry module: one that serves the task (detect_worker.ts serves detection). */
  readonly entry?: URL | undefined
  /** More workerData for such an entry. */
  readonly data?: Readonly<Record<string, unknown>> | undefined
  readonly resourceLimits?: ResourceLimits | undefined
}

/** `workers` threads, each with a replica of `detector` (its weights sent once) running `entry`'s task with
 * `options`, stopped when the scope closes. */
export const makeImagePool = <O, R>(
  detector: Detector,
  options: O,
  pool: ImageWorkerOptions & { readonly workers: number; readonly entry: URL },
): Effect.Effect<ThreadPool<ImageJob, R, InferenceWorkerFailed>, InferenceWorkerFailed, Scope.Scope> => {
  const data: DetectorWorkerData<O> = {
    ...pool.data,
    entry: pool.entry.href,
    backend: tf.getBackend(),
    config: detector.config,
    weights: writeWeights(detector, undefined),
    options,
  }
  return makeThreadPool<ImageJob, R, InferenceWorkerFailed>({
    workers: pool.workers,
    entry: pool.entry,
    data,
    resourceLimits: pool.resourceLimits,
    advice: "run fewer or smaller test scales",
    failure: (worker, job, reason) => new InferenceWorkerFailed({ worker, image: job?.name, reason }),
  })
}

/** One input's result; `index` is its position in the input stream (skipped images leave gaps). */
export interface ImageResult<A, R> {
  readonly input: A
  readonly index: number
  /** The decoded image (its size frames the boxes; its pixels serve pictures). */
  readonly image: DecodedImage
  readonly result: R
}

/** What {@link imageResults} runs and how. */
export interface ImageRunOptions<A, O, R> extends DecodeOptions<A>, ImageWorkerOptions {
  readonly scales: ReadonlyArray<Resolution>
  readonly task: ImageTask<O, R>
  /** The task's options (sent once to each worker). */
  readonly taskOptions: O
  /** What a worker failure calls an image (e.g. its file); default its position and id. */
  readonly imageName?: ((input: A) => string) | undefined
  /** Sees the pool once its threads are ready (benches and tests read its memory and live threads). */
  readonly onPool?: ((pool: ThreadPool<ImageJob, R, InferenceWorkerFailed>) => void) | undefined
}

/**
 * `task` on each input, in input order whatever order the workers finish in: on this thread one image after the
 * other, or on `workers` threads (each with a replica of `detector`), the stream reordering results by index.
 * The next images are decoded and resized ahead (default: one more than the workers, at least 2), so no worker
 * waits for sharp. A worker's failure stops every worker and fails the stream with InferenceWorkerFailed.
 */
export function imageResults<A, O, R, E = never, Rq = never>(
  detector: Detector,
  inputs: Stream.Stream<A, E, Rq> | Iterable<A>,
  options: ImageRunOptions<A, O, R> & { readonly entry: URL },
): Stream.Stream<ImageResult<A, R>, E | BadImage | InferenceWorkerFailed, Rq> {
  const workers = options.workers ?? 1
  const prepared = preparedImages(inputs, {
    ...options,
    concurrency: options.concurrency ?? Math.max(2, workers + 1),
    stride: detector.config.anchors.stride,
    normalization: detector.config.normalization,
  })
  if (workers <= 1)
    return prepared.pipe(
      Stream.mapEffect(({ input, index, image, scaled }) =>
        Effect.sync(() => ({
          input,
          index,
          image,
          result: options.task.run(detector, { width: image.width, height: image.height, scaled }, options.taskOptions),
        })),
      ),
    )
  return Stream.unwrap(
    Effect.map(makeImagePool<O, R>(detector, options.taskOptions, { ...options, workers }), (pool) => {
      options.onPool?.(pool)
      return prepared.pipe(
        Stream.mapEffect(
          (p: PreparedImage<A>) => {
            const name = options.imageName?.(p.input) ?? `${p.index} (id ${p.image.imageId})`
            const job: ImageJob = { name, width: p.image.width, height: p.image.height, scaled: p.scaled }
            const transfer = p.scaled.map((s) => s.pixels.buffer as ArrayBuffer)
            return Effect.map(pool.run(job, transfer), (done) => ({
              input: p.input,
              index: p.index,
              image: p.image,
              result: done.result,
            }))
          },
          { concurrency: workers },
        ),
      )
    }),
  )
}
