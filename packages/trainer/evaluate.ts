import { mkdir } from "node:fs/promises"
import { join } from "node:path"
import {
  type BadImageLog,
  type Dataset,
  type DecodedImage,
  type Detections,
  decodeImage,
  drawDetections,
  imageRefOf,
  loadDataset,
  writeDetections,
} from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import {
  addImageDetections,
  type CategoryAp,
  type CocoEvaluation,
  type EvalGroundTruth,
  emptyDetections,
  evaluateBoxes,
  formatStats,
  prCurveSpec,
  renderSvg,
  toDetections,
} from "@sniper/evaluator"
import { type DetectedImage, detectStream, type ImageDetections, type InferenceOptions } from "@sniper/inference"
import { Effect, Stream } from "effect"
import type { TrainConfig } from "./config.ts"
import { RunFileError } from "./errors.ts"
import { writeFileAtomic } from "./run_dir.ts"
import { workersFor } from "./worker_count.ts"

/** Multi-scale detections for the first `maxImages` images (0 = all) of a data set, and their COCO evaluation. */
export interface DetectorEvaluation {
  readonly detections: Detections
  readonly evaluation: CocoEvaluation
  readonly images: number
  readonly seconds: number
}

/**
 * Runs inference's `detectStream` over the images of `dataset` (decoding ahead of the network, on `workers`
 * threads or this one: the same detections) and evaluates the result with pycocotools' rules. Detections come in the data set's category rows; unreadable images are skipped
 * and logged. `onDetections` sees every image's detections as they come (pictures, progress).
 */
export const evaluateDetector = Effect.fn("evaluateDetector")(function* (
  detector: Detector,
  dataset: Dataset,
  options: InferenceOptions & {
    readonly imageRoot: string
    readonly maxImages: number
    readonly badImages: BadImageLog
    /** Worker threads for the images (each with a replica of `detector`); 1 or fewer: this thread. */
    readonly workers?: number | undefined
    readonly onImage?: ((done: number, total: number) => Effect.Effect<void>) | undefined
    readonly onDetections?: ((image: DetectedImage<number>) => Effect.Effect<void>) | undefined
  },
) {
  const started = performance.now()
  const total = options.maxImages > 0 ? Math.min(options.maxImages, dataset.images.count) : dataset.images.count
  const { onImage, onDetections } = options
  const rows = Array.from({ length: total }, (_, row) => row)
  const collected = yield* detectStream(detector, rows, {
    ...options,
    decode: (row) => decodeImage(options.imageRoot, imageRefOf(dataset, row)),
    imageName: (row) => dataset.images.fileName[row],
    // No more threads than images: each costs a backend and a replica.
    workers: Math.min(total, options.workers ?? 1),
  }).pipe(
    Stream.tap((image) => (onDetections === undefined ? Effect.void : onDetections(image))),
    Stream.tap((image) => (onImage === undefined ? Effect.void : onImage(image.index + 1, total))),
    Stream.runFold(emptyDetections, (acc, image) =>
      addImageDetections(acc, { row: image.input, detections: image.detections }),
    ),
  )
  const detections: Detections = toDetections(collected)
  const subset = total === dataset.images.count ? dataset : firstImages(dataset, total)
  return {
    detections,
    evaluation: evaluateBoxes(subset, detections),
    images: total,
    seconds: (performance.now() - started) / 1000,
  } satisfies DetectorEvaluation
})

/** The data set cut to its first `n` image rows (so images never run count as misses). */
function firstImages(dataset: Dataset, n: number): EvalGroundTruth {
  const end = dataset.imageStart[n]
  const a = dataset.annotations
  return {
    images: { count: n, id: dataset.images.id.subarray(0, n) },
    categories: dataset.categories,
    annotations: {
      count: end,
      image: a.image.subarray(0, end),
      category: a.category.subarray(0, end),
      bbox: a.bbox.subarray(0, 4 * end),
      area: a.area.subarray(0, end),
      iscrowd: a.iscrowd.subarray(0, end),
    },
  }
}

/** One val image with its detections, to be drawn into `path` (a PNG under the run folder's `pictures/`). */
export interface Picture {
  readonly image: DecodedImage
  /** Boxes xyxy in original px, category rows into `categories`, best first. */
  readonly detections: ImageDetections
  readonly categories: ReadonlyArray<string>
  readonly path: string
}

/** Pictures of the first `count` val images (the run folder shows its detector at work); `draw` writes one. */
export interface PictureHook {
  readonly count: number
  readonly draw: (picture: Picture) => Effect.Effect<void, unknown>
}

/** The run folder's pictures: the first `count` val images with their detections above `minScore` drawn by
 * coco-io's `drawDetections` (class name and score on each box). */
export function drawnPictures(count: number, minScore = 0.3): PictureHook {
  return {
    count,
    draw: (picture) =>
      Effect.asVoid(
        drawDetections(picture.image, picture.detections, { out: picture.path, names: picture.categories, minScore }),
      ),
  }
}

/** Per-category AP as a Markdown table (-1, no ground truth, as "n/a"). */
export function perCategoryTable(perCategory: ReadonlyArray<CategoryAp>): string {
  const cell = (v: number) => (v < 0 ? "n/a" : v.toFixed(3))
  const rows = perCategory.map((c) => `| ${c.name} | ${c.id} | ${cell(c.ap)} | ${cell(c.ap50)} | ${cell(c.ap75)} |`)
  return ["| category | id | AP | AP50 | AP75 |", "|---|---|---|---|---|", ...rows, ""].join("\n")
}

/**
 * The run's final evaluation on its val split: detections_val.json, metrics.json (the 12 stats and per-category
 * AP), per_category.md, pr_curves.svg, and pictures of the first val images when a `pictures` hook is given.
 * A picture or the plot that cannot be drawn is logged, never fatal. Returns the 12 stats, the number of images
 * and the seconds it took.
 */
export const evaluateOnVal = Effect.fn("evaluateOnVal")(function* (
  detector: Detector,
  val: { readonly annotations: string; readonly images: string },
  config: TrainConfig,
  runDir: string,
  options: {
    readonly badImages: BadImageLog
    readonly pictures?: PictureHook | undefined
    /** Worker threads for the images; default the config's `workers`, else the machine's (as training). */
    readonly workers?: number | undefined
  },
) {
  const { badImages, pictures } = options
  const workers = options.workers ?? workersFor(config)
  // As pycocotools: zero-area ground truth stays, unmatchable (training drops it).
  const valSet: Dataset = yield* loadDataset(val.annotations, { keepZeroArea: true })
  yield* Effect.logInfo(
    `evaluating on ${valSet.images.count} val images at ${config.test.scales.length} scales ${workers > 1 ? `on ${workers} worker threads` : "in this thread"}`,
  )
  const picturesDir = join(runDir, "pictures")
  if (pictures !== undefined && pictures.count > 0)
    yield* Effect.tryPromise({
      try: () => mkdir(picturesDir, { recursive: true }),
      catch: (cause) => new RunFileError({ path: picturesDir, problem: String(cause) }),
    })
  const out = yield* evaluateDetector(detector, valSet, {
    ...config.test,
    imageRoot: val.images,
    badImages,
    workers,
    onImage: (done, total) =>
      done % 10 === 0 || done === total ? Effect.logInfo(`evaluated ${done}/${total} images`) : Effect.void,
    onDetections: (found) =>
      pictures === undefined || found.index >= pictures.count
        ? Effect.void
        : pictures
            .draw({
              image: found.image,
              detections: found.detections,
              categories: valSet.categories.name,
              path: join(picturesDir, `val_${valSet.images.id[found.input]}.png`),
            })
            .pipe(
              Effect.catch((error) =>
                Effect.logWarning(`could not draw picture of val image row ${found.input}: ${error}`),
              ),
            ),
  })
  yield* writeDetections(join(runDir, "detections_val.json"), valSet, out.detections)
  const { stats, perCategory } = out.evaluation
  yield* writeFileAtomic(
    join(runDir, "metrics.json"),
    `${JSON.stringify({ stats: Array.from(stats), images: out.images, seconds: out.seconds, perCategory }, null, 2)}\n`,
  )
  yield* writeFileAtomic(join(runDir, "per_category.md"), perCategoryTable(perCategory))
  yield* renderSvg(prCurveSpec(out.evaluation, out.evaluation.params)).pipe(
    Effect.flatMap((svg) => writeFileAtomic(join(runDir, "pr_curves.svg"), svg)),
    Effect.catchTag("PlotError", (error) => Effect.logWarning(error.message)),
  )
  yield* Effect.logInfo(formatStats(stats, out.evaluation.params))
  return { stats: Array.from(stats), images: out.images, seconds: out.seconds }
})
