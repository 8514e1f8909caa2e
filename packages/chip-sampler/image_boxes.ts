import type { Mode } from "./config.ts"
import { samplingStrategy } from "./sampling_strategy.ts"
import type { ImageBoxes } from "./types.ts"

/** One image as COCO gives it: boxes xywh (continuous px), their area, category index and crowd flag. */
export interface CocoImage {
  readonly id: number
  readonly width: number
  readonly height: number
  readonly bbox: Float64Array
  /** The annotation `area` (segment area); a box with area <= 0 is dropped, as the reference loader does. */
  readonly area?: Float64Array | undefined
  readonly category: Int32Array
  readonly crowd: Uint8Array
  /** Proposals xywh as a COCO results file gives them. */
  readonly proposals?: Float64Array | undefined
}

/**
 * Ground truth in the sampler's frame (inclusive xyxy, original px), cleaned as the reference COCO loader:
 * x1 = max(0, x), x2 = min(W - 1, x1 + max(0, w - 1)) (reference: from the clamped x1, then truncated to
 * integers as its uint16 array; paper: x2 = min(W - 1, x + w - 1), no truncation). Boxes left empty (entirely
 * outside the image, or area <= 0) are dropped; `annotation` keeps the index of each kept box. Proposals are
 * converted the same way (never truncated: the reference's are floats). `flip` mirrors x: x' = W - 1 - x.
 */
export function imageBoxes(image: CocoImage, options: { readonly mode: Mode; readonly flip?: boolean }): ImageBoxes {
  const n = image.bbox.length >> 2
  const flip = options.flip === true
  const frame = { width: image.width, height: image.height, flip }
  const boxes = new Float64Array(4 * n)
  const annotation = new Int32Array(n)
  const integer = samplingStrategy(options.mode).integerBoxes
  const kept = toInclusive(image.bbox, boxes, { ...frame, integer, area: image.area, kept: annotation })
  const category = new Int32Array(kept)
  const crowd = new Uint8Array(kept)
  for (let k = 0; k < kept; k++) {
    category[k] = image.category[annotation[k]]
    crowd[k] = image.crowd[annotation[k]]
  }
  const p = (image.proposals?.length ?? 0) >> 2
  const proposals = new Float64Array(4 * p)
  const keptP = p === 0 ? 0 : toInclusive(image.proposals!, proposals, { ...frame, integer: false })
  return {
    id: image.id,
    width: image.width,
    height: image.height,
    boxes: kept === n ? boxes : boxes.slice(0, 4 * kept),
    category,
    crowd,
    annotation: kept === n ? annotation : annotation.slice(0, kept),
    proposals: keptP === p ? proposals : proposals.slice(0, 4 * keptP),
    flip,
  }
}

/**
 * Converts xywh boxes into `out` (kept boxes packed at the front); returns how many were kept and writes their
 * input indices to `kept`. `integer`: the reference loader's arithmetic (x2 from the clamped x1, truncated).
 */
function toInclusive(
  xywh: Float64Array,
  out: Float64Array,
  o: {
    readonly width: number
    readonly height: number
    readonly flip: boolean
    readonly integer: boolean
    readonly area?: Float64Array | undefined
    readonly kept?: Int32Array | undefined
  },
): number {
  const { width, height, flip, area, kept, integer } = o
  const n = xywh.length >> 2
  let at = 0
  for (let j = 0; j < n; j++) {
    if (area !== undefined && !(area[j] > 0)) continue
    const x = xywh[4 * j]
    const y = xywh[4 * j + 1]
    const w = xywh[4 * j + 2]
    const h = xywh[4 * j + 3]
    let x1 = Math.max(0, x)
    let y1 = Math.max(0, y)
    let x2 = Math.min(width - 1, (integer ? x1 : x) + Math.max(0, w - 1))
    let y2 = Math.min(height - 1, (integer ? y1 : y) + Math.max(0, h - 1))
    if (!(x2 >= x1 && y2 >= y1)) continue
    if (integer) {
      x1 = Math.trunc(x1)
      y1 = Math.trunc(y1)
      x2 = Math.trunc(x2)
      y2 = Math.trunc(y2)
    }
    out[4 * at] = flip ? width - 1 - x2 : x1
    out[4 * at + 1] = y1
    out[4 * at + 2] = flip ? width - 1 - x1 : x2
    out[4 * at + 3] = y2
    if (kept !== undefined) kept[at] = j
    at++
  }
  return at
}
