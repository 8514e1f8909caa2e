import { FileWriteError, writeAtomic } from "@sniper/files"
import { Effect, Schema, Stream } from "effect"
import { Column, float64, int32 } from "./_columns.ts"
import { nonFiniteRecordError } from "./_non_finite_literal.ts"
import { idOf, Problems } from "./_problems.ts"
import { readJsonRecords } from "./_read_json.ts"
import type { RecordBatch } from "./_record_splitter.ts"
import type { Dataset, Detections } from "./dataset.ts"
import { CocoWriteError } from "./errors.ts"
import { ResultRecord, recordChecker } from "./records.ts"

export interface ReadDetectionsOptions {
  /** Report every problem in one `CocoProblems` instead of failing at the first. Default false. */
  readonly allProblems?: boolean
  /** Most problems kept in a report (the rest are only counted). Default 1000. */
  readonly maxProblems?: number
}

/** A results file read for evaluation: the detections, and those left out for naming a category the dataset lacks. */
export interface EvaluationResults {
  readonly detections: Detections
  readonly unknownCategory: {
    readonly count: number
    /** The distinct ids, ascending. */
    readonly ids: ReadonlyArray<number>
  }
}

const results = recordChecker(ResultRecord)

/**
 * Reads a COCO results file (a JSON array of `{ image_id, category_id, bbox, score }`) against the dataset it
 * answers, streamed. Like pycocotools' `loadRes`, an image id the dataset lacks is refused; so is a category id
 * here (see `readEvaluationResults`). Non-finite numbers (Python's NaN and Infinity words too) and negative box
 * sizes are refused, naming the record's index and field.
 */
export const readDetections = Effect.fn("readDetections")(function* (
  path: string,
  dataset: Dataset,
  options?: ReadDetectionsOptions,
) {
  const { detections } = yield* readResults(path, dataset, { ...options, ignoreUnknownCategories: false })
  return detections
})

/**
 * Reads a results file as pycocotools' evaluation sees it: like `readDetections`, except that detections of a
 * category the dataset lacks are left out and counted (`loadRes` keeps them, `evaluate` never looks at them).
 */
export const readEvaluationResults = Effect.fn("readEvaluationResults")(function* (
  path: string,
  dataset: Dataset,
  options?: ReadDetectionsOptions,
) {
  return yield* readResults(path, dataset, { ...options, ignoreUnknownCategories: true })
})

const readResults = Effect.fnUntraced(function* (
  path: string,
  dataset: Dataset,
  options: ReadDetectionsOptions & { readonly ignoreUnknownCategories: boolean },
) {
  const problems = new Problems(path, options.allProblems ?? false, options.maxProblems ?? 1000)
  const unknownIds = new Set<number>()
  let unknownCount = 0
  const image = new Column(int32)
  const category = new Column(int32)
  const bbox = new Column(float64)
  const score = new Column(float64)
  const batch = ({ values, first }: RecordBatch) => {
    for (let k = 0; k < values.length; k++) {
      const value = values[k]
      if (!results.is(value)) {
        problems.record("results", first + k, idOf(value, "image_id"), results.problems(value, problems.all))
        continue
      }
      const row = dataset.imageRow(value.image_id)
      const index = dataset.categoryRow(value.category_id)
      if (row < 0) {
        problems.record("results", first + k, value.image_id, [
          { field: "image_id", problem: `names image ${value.image_id}, which is not in "${dataset.source}"` },
        ])
      }
      if (index < 0 && options.ignoreUnknownCategories) {
        unknownIds.add(value.category_id)
        unknownCount++
      } else if (index < 0) {
        problems.record("results", first + k, value.image_id, [
          { field: "category_id", problem: `names category ${value.category_id}, which is not in "${dataset.source}"` },
        ])
      }
      if (row < 0 || index < 0) continue
      image.push(row)
      category.push(index)
      const [x, y, w, h] = value.bbox
      bbox.push(x)
      bbox.push(y)
      bbox.push(w)
      bbox.push(h)
      score.push(value.score)
    }
  }
  yield* readJsonRecords(path, {
    root: "array",
    arrays: [""],
    sink: { batch, array: () => {}, notArray: () => {} },
    problems,
  })
  if (problems.total > 0) {
    // a JSON fault stops the reading, so it is the last problem
    const last = problems.list.length - 1
    const fault = problems.list[last]
    if (fault?._tag === "CocoJsonError") problems.list[last] = yield* nonFiniteRecordError(fault, "results")
    return yield* problems.failure()
  }
  const detections: Detections = {
    count: image.length,
    image: image.toArray(),
    category: category.toArray(),
    bbox: bbox.toArray(),
    score: score.toArray(),
  }
  const read: EvaluationResults = {
    detections,
    unknownCategory: { count: unknownCount, ids: [...unknownIds].sort((a, b) => a - b) },
  }
  return read
})

/** Detections a write formats into one string before handing it to the file. */
const WRITE_BATCH = 20_000

/** A detection with a score or box coordinate that is NaN or infinite (a diverged model): no results file holds it. */
export class NonFiniteDetection extends Schema.TaggedError<NonFiniteDetection>()("NonFiniteDetection", {
  file: Schema.String,
  /** The detection's index in the file being written. */
  index: Schema.Number,
  imageId: Schema.Number,
  /** "score" or "bbox[i]". */
  field: Schema.String,
  value: Schema.Number,
}) {
  override get message() {
    return `Cannot write "${this.file}": detection ${this.index} (image ${this.imageId}) has ${this.field} ${this.value}; scores and boxes must be finite`
  }
}

/**
 * Writes a COCO results file from a stream of detection batches, one batch in memory at a time. The file appears
 * whole or not at all (@sniper/files' atomic write). A NaN or infinite score or box fails with NonFiniteDetection.
 */
export const writeDetectionStream = Effect.fn("writeDetectionStream")(function* <E, R>(
  path: string,
  dataset: Dataset,
  batches: Stream.Stream<Detections, E, R>,
) {
  const writeError = (cause: unknown) =>
    new CocoWriteError({ file: path, problem: cause instanceof Error ? cause.message : String(cause) })
  return yield* writeAtomic(path, (file) =>
    Effect.gen(function* () {
      const write = (text: string) => Effect.tryPromise({ try: () => file.writeFile(text), catch: writeError })
      let written = 0
      yield* write("[")
      yield* Stream.runForEach(batches, (detections) =>
        Effect.gen(function* () {
          checkDetections(detections, dataset)
          const bad = nonFinite(detections, dataset, { file: path, first: written })
          if (bad !== undefined) return yield* bad
          for (let from = 0; from < detections.count; from += WRITE_BATCH) {
            const to = Math.min(detections.count, from + WRITE_BATCH)
            const text = formatDetections(detections, dataset, from, to)
            yield* write(written === 0 ? text : `,\n${text}`)
            written += to - from
          }
        }),
      )
      yield* write("]\n")
      return written
    }),
  ).pipe(
    Effect.mapError((error) =>
      error instanceof FileWriteError ? new CocoWriteError({ file: path, problem: error.problem }) : error,
    ),
  )
})

/** Writes a COCO results file; returns the number of detections written. */
export function writeDetections(path: string, dataset: Dataset, detections: Detections) {
  return writeDetectionStream(path, dataset, Stream.succeed(detections))
}

/** The first NaN or infinite score or box coordinate of a batch whose first detection has file index `first`. */
function nonFinite(
  d: Detections,
  dataset: Dataset,
  at: { readonly file: string; readonly first: number },
): NonFiniteDetection | undefined {
  const bad = (k: number, field: string, value: number) =>
    new NonFiniteDetection({ file: at.file, index: at.first + k, imageId: dataset.images.id[d.image[k]], field, value })
  for (let k = 0; k < d.count; k++) {
    if (!Number.isFinite(d.score[k])) return bad(k, "score", d.score[k])
    for (let j = 0; j < 4; j++) if (!Number.isFinite(d.bbox[4 * k + j])) return bad(k, `bbox[${j}]`, d.bbox[4 * k + j])
  }
  return undefined
}

function formatDetections(d: Detections, dataset: Dataset, from: number, to: number): string {
  const imageId = dataset.images.id
  const categoryId = dataset.categories.id
  const parts: string[] = []
  for (let k = from; k < to; k++) {
    const b = 4 * k
    parts.push(
      `{"image_id":${imageId[d.image[k]]},"category_id":${categoryId[d.category[k]]},"bbox":[${d.bbox[b]},${d.bbox[b + 1]},${d.bbox[b + 2]},${d.bbox[b + 3]}],"score":${d.score[k]}}`,
    )
  }
  return parts.join(",\n")
}

/** Programmer errors: columns of the wrong length, rows outside the dataset. */
function checkDetections(d: Detections, dataset: Dataset): void {
  const n = d.count
  if (d.image.length < n || d.category.length < n || d.score.length < n || d.bbox.length < 4 * n) {
    throw new RangeError(
      `Cannot write detections: columns must hold count = ${n} rows (bbox 4 each), current lengths are image ${d.image.length}, category ${d.category.length}, bbox ${d.bbox.length}, score ${d.score.length}`,
    )
  }
  for (let k = 0; k < n; k++) {
    if (!(d.image[k] >= 0 && d.image[k] < dataset.images.count)) {
      throw new RangeError(`Cannot write detections: image row must be in the dataset, current value is ${d.image[k]}`)
    }
    if (!(d.category[k] >= 0 && d.category[k] < dataset.categories.count)) {
      throw new RangeError(
        `Cannot write detections: category index must be in the dataset, current value is ${d.category[k]}`,
      )
    }
  }
}
