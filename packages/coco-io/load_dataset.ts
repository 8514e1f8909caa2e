import { Effect } from "effect"
import { Column, float64, int32, uint8 } from "./_columns.ts"
import { idOf, Problems } from "./_problems.ts"
import { readJsonRecords } from "./_read_json.ts"
import type { RecordBatch } from "./_record_splitter.ts"
import type { Dataset } from "./dataset.ts"
import { CocoRecordError } from "./errors.ts"
import { AnnotationRecord, CategoryRecord, ImageRecord, recordChecker } from "./records.ts"

export interface LoadDatasetOptions {
  /** Report every problem of the file in one `CocoProblems` instead of failing at the first. Default false. */
  readonly allProblems?: boolean
  /** Most problems kept in a report (the rest are only counted). Default 1000. */
  readonly maxProblems?: number
  /**
   * Keep boxes of zero width or height. Training drops them (the default: they cover no pixel); evaluation keeps
   * them, as pycocotools does, as objects no detection can match (IoU 0) that still count in recall.
   */
  readonly keepZeroArea?: boolean
}

const images = recordChecker(ImageRecord)
const categories = recordChecker(CategoryRecord)
const annotations = recordChecker(AnnotationRecord)

/** Columns gathered while streaming, before ids are resolved. */
class Gather {
  readonly imageId = new Column(float64)
  readonly width = new Column(int32)
  readonly height = new Column(int32)
  readonly fileName: string[] = []
  readonly imageRows = new Map<number, number>()
  /** Ids of image and category records that were refused: annotations naming them are not reported again. */
  readonly refusedImages = new Set<number>()
  readonly refusedCategories = new Set<number>()
  readonly categoryId: number[] = []
  readonly categoryName: string[] = []
  readonly categoryIndex: number[] = []
  // Annotations in file order; `index` is the record's position in the file's array.
  readonly annId = new Column(float64)
  readonly annImage = new Column(float64)
  readonly annCategory = new Column(float64)
  readonly bbox = new Column(float64)
  readonly area = new Column(float64)
  readonly crowd = new Column(uint8)
  readonly index = new Column(int32)
  readonly seen = new Set<string>()
  zeroArea = 0

  readonly problems: Problems
  readonly keepZeroArea: boolean
  /** File index of each image row, for messages. */
  readonly #imageIndex: number[] = []

  constructor(problems: Problems, keepZeroArea: boolean) {
    this.problems = problems
    this.keepZeroArea = keepZeroArea
  }

  array(key: string): void {
    this.seen.add(key)
  }

  batch(batch: RecordBatch): void {
    if (batch.key === "annotations") this.#annotations(batch)
    else if (batch.key === "images") this.#images(batch)
    else if (batch.key === "categories") this.#categories(batch)
  }

  notArray(key: string, value: unknown): void {
    this.seen.add(key)
    const got = Array.isArray(value) ? "array" : value === null ? "null" : typeof value
    this.problems.add(
      new CocoRecordError({
        file: this.problems.file,
        array: key,
        index: -1,
        id: null,
        field: "",
        problem: `must be an array of records, got ${got}`,
      }),
    )
  }

  #images(batch: RecordBatch): void {
    const { values, first } = batch
    const problems = this.problems
    for (let k = 0; k < values.length; k++) {
      const value = values[k]
      if (!images.is(value)) {
        const id = idOf(value)
        if (id !== null) this.refusedImages.add(id)
        problems.record("images", first + k, id, images.problems(value, problems.all))
        continue
      }
      const earlier = this.imageRows.get(value.id)
      if (earlier !== undefined) {
        problems.record("images", first + k, value.id, [
          { field: "id", problem: `duplicates the id of images[${this.#imageIndex[earlier]}]` },
        ])
        continue
      }
      this.imageRows.set(value.id, this.imageId.length)
      this.#imageIndex.push(first + k)
      this.imageId.push(value.id)
      this.width.push(value.width)
      this.height.push(value.height)
      this.fileName.push(value.file_name)
    }
  }

  #categories(batch: RecordBatch): void {
    const { values, first } = batch
    for (let k = 0; k < values.length; k++) {
      const value = values[k]
      if (!categories.is(value)) {
        const id = idOf(value)
        if (id !== null) this.refusedCategories.add(id)
        this.problems.record("categories", first + k, id, categories.problems(value, this.problems.all))
        continue
      }
      this.categoryId.push(value.id)
      this.categoryName.push(value.name)
      this.categoryIndex.push(first + k)
    }
  }

  #annotations(batch: RecordBatch): void {
    const { values, first } = batch
    const problems = this.problems
    for (let k = 0; k < values.length; k++) {
      const value = values[k]
      if (!annotations.is(value)) {
        problems.record("annotations", first + k, idOf(value), annotations.problems(value, problems.all))
        continue
      }
      const [x, y, w, h] = value.bbox
      if ((w === 0 || h === 0) && !this.keepZeroArea) {
        this.zeroArea++
        continue
      }
      this.annId.push(value.id)
      this.annImage.push(value.image_id)
      this.annCategory.push(value.category_id)
      this.bbox.push(x)
      this.bbox.push(y)
      this.bbox.push(w)
      this.bbox.push(h)
      this.area.push(value.area ?? w * h)
      this.crowd.push(value.iscrowd ?? 0)
      this.index.push(first + k)
    }
  }
}

/**
 * Loads a COCO instances file (streamed, so train2017's 450 MB never becomes one string) into columns.
 * Fails with the first problem, naming file, array index, id and field, or with all of them (`allProblems`).
 * Boxes of zero width or height are dropped and counted unless `keepZeroArea`.
 */
export const loadDataset = Effect.fn("loadDataset")(function* (path: string, options?: LoadDatasetOptions) {
  const problems = new Problems(path, options?.allProblems ?? false, options?.maxProblems ?? 1000)
  const gather = new Gather(problems, options?.keepZeroArea ?? false)
  yield* readJsonRecords(path, {
    root: "object",
    arrays: ["images", "annotations", "categories"],
    // Polygons and RLE masks are most of the bytes of an instances file; boxes never need them.
    drop: { annotations: "segmentation" },
    sink: gather,
    problems,
  })
  if (!problems.stop) {
    for (const key of ["images", "categories"]) {
      if (!gather.seen.has(key) && problems.list.every((p) => p._tag !== "CocoJsonError")) {
        problems.add(
          new CocoRecordError({ file: path, array: key, index: -1, id: null, field: "", problem: "is missing" }),
        )
      }
    }
  }
  const dataset = problems.stop ? undefined : assemble(gather, problems)
  if (problems.total > 0 || dataset === undefined) return yield* problems.failure([...gather.seen])
  return dataset
})

function assemble(gather: Gather, problems: Problems): Dataset | undefined {
  const file = problems.file
  // Categories: sorted by id, the row is the contiguous index.
  const order = gather.categoryId.map((_, k) => k).sort((a, b) => gather.categoryId[a] - gather.categoryId[b])
  const categoryId = new Int32Array(order.length)
  const categoryName: string[] = []
  const categoryRows = new Map<number, number>()
  for (let row = 0; row < order.length; row++) {
    const k = order[row]
    const id = gather.categoryId[k]
    const earlier = categoryRows.get(id)
    if (earlier !== undefined) {
      const [a, b] = [gather.categoryIndex[order[earlier]], gather.categoryIndex[k]].sort((p, q) => p - q)
      problems.record("categories", b, id, [{ field: "id", problem: `duplicates the id of categories[${a}]` }])
      if (problems.stop) return undefined
    }
    categoryRows.set(id, row)
    categoryId[row] = id
    categoryName.push(gather.categoryName[k])
  }

  const imageCount = gather.imageId.length
  const annId = gather.annId.toArray()
  const annImage = gather.annImage.toArray()
  const annCategory = gather.annCategory.toArray()
  const index = gather.index.toArray()
  const n = annId.length

  // Resolve references, in file order so the first problem reported is the first in the file.
  const imageOf = new Int32Array(n)
  const categoryOf = new Int32Array(n)
  const perImage = new Int32Array(imageCount + 1)
  let bad = 0
  for (let a = 0; a < n; a++) {
    const image = gather.imageRows.get(annImage[a])
    const category = categoryRows.get(annCategory[a])
    if (image === undefined && !gather.refusedImages.has(annImage[a])) {
      problems.record("annotations", index[a], annId[a], [
        { field: "image_id", problem: `names image ${annImage[a]}, which is not in images` },
      ])
    }
    if (category === undefined && !gather.refusedCategories.has(annCategory[a])) {
      problems.record("annotations", index[a], annId[a], [
        { field: "category_id", problem: `names category ${annCategory[a]}, which is not in categories` },
      ])
    }
    if (image === undefined || category === undefined) {
      if (problems.stop) return undefined
      imageOf[a] = -1
      bad++
      continue
    }
    imageOf[a] = image
    categoryOf[a] = category
    perImage[image + 1]++
  }
  if (!duplicateIds(annId, index, problems) || bad > 0) return undefined

  // Stable counting sort by image row.
  const imageStart = perImage
  for (let i = 0; i < imageCount; i++) imageStart[i + 1] += imageStart[i]
  const next = imageStart.slice(0, imageCount)
  const bboxIn = gather.bbox.toArray()
  const areaIn = gather.area.toArray()
  const crowdIn = gather.crowd.toArray()
  const id = new Float64Array(n)
  const image = new Int32Array(n)
  const category = new Int32Array(n)
  const bbox = new Float64Array(4 * n)
  const area = new Float64Array(n)
  const iscrowd = new Uint8Array(n)
  for (let a = 0; a < n; a++) {
    const row = next[imageOf[a]]++
    id[row] = annId[a]
    image[row] = imageOf[a]
    category[row] = categoryOf[a]
    bbox[4 * row] = bboxIn[4 * a]
    bbox[4 * row + 1] = bboxIn[4 * a + 1]
    bbox[4 * row + 2] = bboxIn[4 * a + 2]
    bbox[4 * row + 3] = bboxIn[4 * a + 3]
    area[row] = areaIn[a]
    iscrowd[row] = crowdIn[a]
  }

  const imageRows = gather.imageRows
  return {
    source: file,
    images: {
      count: imageCount,
      id: gather.imageId.toArray(),
      width: gather.width.toArray(),
      height: gather.height.toArray(),
      fileName: gather.fileName,
    },
    categories: { count: categoryId.length, id: categoryId, name: categoryName },
    annotations: { count: n, id, image, category, bbox, area, iscrowd },
    imageStart,
    zeroAreaDropped: gather.zeroArea,
    imageRow: (imageId) => imageRows.get(imageId) ?? -1,
    categoryRow: (categoryId) => categoryRows.get(categoryId) ?? -1,
  }
}

/** Checks annotation ids are unique (a sort, not a million-entry Set); reports the later of each pair. */
function duplicateIds(ids: Float64Array, index: Int32Array, problems: Problems): boolean {
  const sorted = ids.slice().sort()
  let any = false
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k] === sorted[k - 1]) {
      any = true
      break
    }
  }
  if (!any) return true
  const firstAt = new Map<number, number>()
  for (let a = 0; a < ids.length; a++) {
    const earlier = firstAt.get(ids[a])
    if (earlier === undefined) firstAt.set(ids[a], index[a])
    else {
      problems.record("annotations", index[a], ids[a], [
        { field: "id", problem: `duplicates the id of annotations[${earlier}]` },
      ])
      if (problems.stop) return false
    }
  }
  return false
}
