import { type BadImageLog, type Dataset, type Detections, decodeImage, imageRefOf } from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import {
  addImageDetections,
  type CocoEvaluation,
  type EvalGroundTruth,
  emptyDetections,
  evaluateBoxes,
  toDetections,
} from "@sniper/evaluator"
import { Effect } from "effect"
import { detectMultiScale, type InferenceOptions } from "./infer.ts"

/** Multi-scale detections for the first `maxImages` images (0 = all) of a data set, and their COCO evaluation. */
export interface DetectorEvaluation {
  readonly detections: Detections
  readonly evaluation: CocoEvaluation
  readonly images: number
  readonly seconds: number
}

/**
 * Runs `detectMultiScale` over the images of `dataset` and evaluates the result with pycocotools' rules.
 * Classes 1..K map back to the data set's contiguous categories 0..K-1; unreadable images are skipped and logged.
 */
export const evaluateDetector = Effect.fn("evaluateDetector")(function* (
  detector: Detector,
  dataset: Dataset,
  options: InferenceOptions & {
    readonly imageRoot: string
    readonly maxImages: number
    readonly badImages: BadImageLog
    readonly onImage?: (done: number, total: number) => Effect.Effect<void>
  },
) {
  const started = performance.now()
  const total = options.maxImages > 0 ? Math.min(options.maxImages, dataset.images.count) : dataset.images.count
  const collected = emptyDetections()
  for (let row = 0; row < total; row++) {
    const decoded = yield* decodeImage(options.imageRoot, imageRefOf(dataset, row)).pipe(
      Effect.catchTag("BadImage", (error) => Effect.as(options.badImages.record(error), undefined)),
    )
    if (decoded !== undefined) {
      const merged = yield* detectMultiScale(detector, decoded, options)
      // The detector's classes 1..K are the data set's category rows 0..K-1.
      addImageDetections(collected, { row, detections: { ...merged, classes: merged.classes.map((c) => c - 1) } })
    }
    if (options.onImage !== undefined) yield* options.onImage(row + 1, total)
  }
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
