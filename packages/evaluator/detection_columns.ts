/**
 * Growing a results set image by image, as inference produces it: a fold step for `Stream.runFold`, then
 * `Detections` columns (xywh, as COCO results files) for `evaluateBoxes` or coco-io's `writeDetections`.
 */
import { xyxyToXywh } from "@sniper/boxes"
import type { EvalDetections } from "./inputs.ts"

/** One image's detections (e.g. inference's merged ones): `count` boxes xyxy in original px, scores and
 * category rows. */
interface ImageColumns {
  readonly count: number
  readonly boxes: Float64Array
  readonly scores: Float64Array
  readonly categories: Int32Array
}

/** Per-image chunks collected so far. */
export interface DetectionChunks {
  readonly images: Array<number>
  readonly chunks: Array<ImageColumns>
}

/** An empty collection (the fold's initial value). */
export function emptyDetections(): DetectionChunks {
  return { images: [], chunks: [] }
}

/**
 * Adds one image's merged detections; their `categories` must be category rows (contiguous indices) of the dataset,
 * boxes xyxy in original image pixels. Mutates and returns `acc`.
 */
export function addImageDetections(
  acc: DetectionChunks,
  image: { readonly row: number; readonly detections: ImageColumns },
): DetectionChunks {
  if (!(Number.isInteger(image.row) && image.row >= 0)) {
    throw new RangeError(
      `Cannot add detections: image row must be a non-negative integer, current value is ${image.row}`,
    )
  }
  acc.images.push(image.row)
  acc.chunks.push(image.detections)
  return acc
}

/** The collected detections as one set of columns, in the order they were added. */
export function toDetections(acc: DetectionChunks): EvalDetections {
  const count = acc.chunks.reduce((n, c) => n + c.count, 0)
  const out = {
    count,
    image: new Int32Array(count),
    category: new Int32Array(count),
    bbox: new Float64Array(count * 4),
    score: new Float64Array(count),
  }
  let at = 0
  acc.chunks.forEach((chunk, i) => {
    out.image.fill(acc.images[i], at, at + chunk.count)
    out.category.set(chunk.categories.subarray(0, chunk.count), at)
    out.bbox.set(xyxyToXywh(chunk.boxes.subarray(0, chunk.count * 4)), at * 4)
    out.score.set(chunk.scores.subarray(0, chunk.count), at)
    at += chunk.count
  })
  return out
}
