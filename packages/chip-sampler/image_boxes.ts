import type { ImageBoxes, Mode } from "./types.ts"

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
  const boxes = new Float64Array(4 * n)
  const category = new Int32Array(n)
  const crowd = new Uint8Array(n)
  const annotation = new Int32Array(n)
  const flip = options.flip === true
  const truncate = options.mode === "reference"
  let kept = 0
  for (let j = 0; j < n; j++) {
    if (image.area !== undefined && !(image.area[j] > 0)) continue
    if (!toInclusive(image.bbox, j, { image, boxes, at: kept, truncate, mode: options.mode, flip })) continue
    category[kept] = image.category[j]
    crowd[kept] = image.crowd[j]
    annotation[kept] = j
    kept++
  }
  const p = (image.proposals?.length ?? 0) >> 2
  const proposals = new Float64Array(4 * p)
  let keptP = 0
  for (let j = 0; j < p; j++) {
    const at = keptP
    if (toInclusive(image.proposals!, j, { image, boxes: proposals, at, truncate: false, mode: "paper", flip })) keptP++
  }
  return {
    id: image.id,
    width: image.width,
    height: image.height,
    boxes: boxes.slice(0, 4 * kept),
    category: category.slice(0, kept),
    crowd: crowd.slice(0, kept),
    annotation: annotation.slice(0, kept),
    proposals: proposals.slice(0, 4 * keptP),
    flip,
  }
}

function toInclusive(
  xywh: Float64Array,
  j: number,
  out: {
    readonly image: CocoImage
    readonly boxes: Float64Array
    readonly at: number
    readonly truncate: boolean
    readonly mode: Mode
    readonly flip: boolean
  },
): boolean {
  const { width, height } = out.image
  const x = xywh[4 * j]
  const y = xywh[4 * j + 1]
  const w = xywh[4 * j + 2]
  const h = xywh[4 * j + 3]
  let x1 = Math.max(0, x)
  let y1 = Math.max(0, y)
  let x2 = Math.min(width - 1, (out.mode === "reference" ? x1 : x) + Math.max(0, w - 1))
  let y2 = Math.min(height - 1, (out.mode === "reference" ? y1 : y) + Math.max(0, h - 1))
  if (!(x2 >= x1 && y2 >= y1)) return false
  if (out.truncate) {
    x1 = Math.trunc(x1)
    y1 = Math.trunc(y1)
    x2 = Math.trunc(x2)
    y2 = Math.trunc(y2)
  }
  const o = 4 * out.at
  out.boxes[o] = out.flip ? width - 1 - x2 : x1
  out.boxes[o + 1] = y1
  out.boxes[o + 2] = out.flip ? width - 1 - x1 : x2
  out.boxes[o + 3] = y2
  return true
}
