import {
  type BadImage,
  type BadImageLog,
  type Dataset,
  type Detections,
  decodeImage,
  imageRefOf,
  writeDetectionStream,
} from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import { type ImageWorkerOptions, type InferenceWorkerFailed, imageResults } from "@sniper/inference"
import { Effect, Stream } from "effect"
import type { ImageProposals, ProposalOptions } from "./image_proposals.ts"
import { proposalTask } from "./proposal_worker.ts"

/** The proposals of one data-set image row, with the stream's progress (`done` of `total` rows read). */
export interface RowProposals extends ImageProposals {
  readonly row: number
  readonly done: number
  readonly total: number
}

/** Options of {@link proposalStream}: where the images are and, optionally, a log that skips unreadable ones. */
export interface StreamOptions extends ProposalOptions, ImageWorkerOptions {
  readonly imageRoot: string
  /** Unreadable images are recorded here and skipped; without a log the stream fails with `BadImage`. */
  readonly badImages?: BadImageLog | undefined
  /** Image rows to run, in order; default every row of the data set. */
  readonly rows?: ReadonlyArray<number> | undefined
}

/**
 * The proposals of every image of `dataset` (docs/sniper.md section 3 step 2), in row order: the next images are
 * decoded and resized while the network runs on the current ones, in this thread or on `workers` threads (the
 * same proposals, bit for bit).
 */
export function proposalStream(
  detector: Detector,
  dataset: Dataset,
  options: StreamOptions,
): Stream.Stream<RowProposals, BadImage | InferenceWorkerFailed> {
  const rows = options.rows ?? Array.from({ length: dataset.images.count }, (_, i) => i)
  const total = rows.length
  return imageResults(detector, rows, {
    ...options,
    entry: options.entry ?? new URL("./proposal_worker.ts", import.meta.url),
    decode: (row) => decodeImage(options.imageRoot, imageRefOf(dataset, row)),
    imageName: (row) => dataset.images.fileName[row],
    // No more threads than images: each costs a backend and a replica.
    workers: Math.min(total, options.workers ?? 1),
    task: proposalTask,
    taskOptions: { settings: options.settings, nmsIou: options.nmsIou, maxPerImage: options.maxPerImage },
  }).pipe(Stream.map(({ input: row, result }, i) => ({ row, ...result, done: i + 1, total })))
}

/** Proposals as COCO results rows: the data set's first category (proposals have no class), xywh, objectness. */
export function proposalDetections(proposals: ReadonlyArray<ImageProposals & { readonly row: number }>): Detections {
  const count = proposals.reduce((n, p) => n + p.count, 0)
  const out = {
    count,
    image: new Int32Array(count),
    category: new Int32Array(count),
    bbox: new Float64Array(4 * count),
    score: new Float64Array(count),
  }
  let at = 0
  for (const p of proposals) {
    out.image.fill(p.row, at, at + p.count)
    for (let i = 0; i < p.count; i++) {
      const b = 4 * i
      const k = 4 * (at + i)
      out.bbox[k] = p.boxes[b]
      out.bbox[k + 1] = p.boxes[b + 1]
      out.bbox[k + 2] = p.boxes[b + 2] - p.boxes[b]
      out.bbox[k + 3] = p.boxes[b + 3] - p.boxes[b + 1]
      out.score[at + i] = p.scores[i]
    }
    at += p.count
  }
  return out
}

/**
 * Writes a stream of proposals as a COCO results file that coco-io's `readDetections` and chip-sampler's
 * `proposalsFromDetections` read back (`sniper chips --proposals FILE`). Atomic: written beside `path` and
 * renamed at the end, so a failure or a crash never leaves half a file. Returns the images and proposals written.
 */
export const writeProposals = Effect.fn("writeProposals")(function* <E, R>(
  path: string,
  dataset: Dataset,
  proposals: Stream.Stream<ImageProposals & { readonly row: number }, E, R>,
) {
  let images = 0
  const written = yield* writeDetectionStream(
    path,
    dataset,
    proposals.pipe(
      Stream.map((p) => {
        images++
        return proposalDetections([p])
      }),
    ),
  )
  return { images, proposals: written }
})

/** Progress callback of {@link computeProposals}: after each image. */
export type OnProposals = (p: RowProposals) => Effect.Effect<void>

/**
 * Runs {@link proposalStream} over a data set and writes the result to `path` with {@link writeProposals}:
 * the whole of SNIPER's proposal step for negative chips. Returns counts and the time taken.
 */
export const computeProposals = Effect.fn("computeProposals")(function* (
  detector: Detector,
  dataset: Dataset,
  options: StreamOptions & { readonly path: string; readonly onImage?: OnProposals | undefined },
) {
  const started = performance.now()
  const onImage = options.onImage
  const stream = proposalStream(detector, dataset, options)
  const counts = yield* writeProposals(
    options.path,
    dataset,
    onImage === undefined ? stream : stream.pipe(Stream.tap(onImage)),
  )
  return { ...counts, seconds: (performance.now() - started) / 1000 }
})
