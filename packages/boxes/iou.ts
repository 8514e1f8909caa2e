import { boxCount, checkPerBox } from "./_check.ts"
import { buildX1Index, lowerBound, sizeLevel, windowHigh, windowLow } from "./_x1_index.ts"
import { areas } from "./format.ts"
import type { BoxArray, WidthOptions } from "./types.ts"

/** Options of {@link iouMatrix}: `crowd[j]` set makes column j an ignore region, scored |a ∩ b| / |a| (COCO crowd). */
export interface IouOptions extends WidthOptions {
  readonly crowd?: ArrayLike<number | boolean> | undefined
}

/** From this many pairs on, {@link iouMatrix} indexes the columns instead of testing every pair. */
const indexFromPairs = 1 << 14

/**
 * IoU of every xyxy box of `a` (rows) with every box of `b` (columns), row-major `a.count x b.count`.
 * Disjoint or empty pairs give 0. Crowd columns use the row box's area as the denominator.
 * Large inputs visit only the columns whose x-extent can meet each row (same arithmetic, same result).
 */
export function iouMatrix(a: BoxArray, b: BoxArray, options?: IouOptions): Float64Array {
  const n = boxCount(a)
  const m = boxCount(b)
  const crowd = options?.crowd
  if (crowd !== undefined) checkPerBox("crowd flags", crowd, m, "compute IoU with")
  const off = options?.plusOne ? 1 : 0
  const areaA = areas(a, options)
  const areaB = areas(b, options)
  const out = new Float64Array(n * m)
  if (n * m >= indexFromPairs) {
    indexedIou(a, b, areaA, areaB, off, crowd, out)
    return out
  }
  for (let i = 0; i < n; i++) {
    const ax1 = a[4 * i]
    const ay1 = a[4 * i + 1]
    const ax2 = a[4 * i + 2]
    const ay2 = a[4 * i + 3]
    const aa = areaA[i]
    const row = i * m
    for (let j = 0; j < m; j++) {
      const k = 4 * j
      const iw = Math.min(ax2, b[k + 2]) - Math.max(ax1, b[k]) + off
      if (iw <= 0) continue
      const ih = Math.min(ay2, b[k + 3]) - Math.max(ay1, b[k + 1]) + off
      if (ih <= 0) continue
      const inter = iw * ih
      const union = crowd?.[j] ? aa : aa + areaB[j] - inter
      if (union > 0) out[row + j] = inter / union
    }
  }
  return out
}

/**
 * {@link iouMatrix} for large inputs: non-empty columns grouped by width level L (W <= 2^L), x1-ordered within a
 * level; a column can meet row box a only if its x1 lies in (a.x1 - 2^L, a.x2 + off), a few binary-searched windows.
 */
function indexedIou(
  a: BoxArray,
  b: BoxArray,
  areaA: Float64Array,
  areaB: Float64Array,
  off: number,
  crowd: ArrayLike<number | boolean> | undefined,
  out: Float64Array,
): void {
  const n = areaA.length
  const m = areaB.length
  // Empty columns (area 0, never written) go to the extra last bucket, which no row scans.
  const level = new Int32Array(m)
  let levels = 1
  for (let j = 0; j < m; j++) {
    const l = areaB[j] === 0 ? -1 : sizeLevel(b[4 * j + 2] - b[4 * j] + off)
    level[j] = l
    if (l + 1 > levels) levels = l + 1
  }
  for (let j = 0; j < m; j++) if (level[j] < 0) level[j] = levels
  const { start, kx, x1, y1, x2, y2, area, box: column } = buildX1Index(b, level, levels + 1, off)
  const isCrowd = new Uint8Array(m)
  if (crowd !== undefined) for (let p = 0; p < m; p++) isCrowd[p] = crowd[column[p]] ? 1 : 0
  for (let i = 0; i < n; i++) {
    const aa = areaA[i]
    if (aa === 0) continue
    const ax1 = a[4 * i]
    const ay1 = a[4 * i + 1]
    const ax2 = a[4 * i + 2]
    const ay2 = a[4 * i + 3]
    const row = i * m
    const highX = windowHigh(ax2, off)
    for (let l = 0; l < levels; l++) {
      const end = start[l + 1]
      if (start[l] === end) continue
      for (let q = lowerBound(kx, start[l], end, windowLow(ax1, l)); q < end; q++) {
        if (kx[q] > highX) break
        const iw = Math.min(ax2, x2[q]) - Math.max(ax1, x1[q]) + off
        if (iw <= 0) continue
        const ih = Math.min(ay2, y2[q]) - Math.max(ay1, y1[q]) + off
        if (ih <= 0) continue
        const inter = iw * ih
        const union = isCrowd[q] === 1 ? aa : aa + area[q] - inter
        if (union > 0) out[row + column[q]] = inter / union
      }
    }
  }
}

/**
 * |a ∩ b| / |a| for every xyxy box of `a` (rows) and `b` (columns), row-major: how much of box a lies inside b
 * (ignore regions, chip containment). An empty box a gives 0.
 */
export function intersectionOverArea(a: BoxArray, b: BoxArray, options?: WidthOptions): Float64Array {
  const n = boxCount(a)
  const m = boxCount(b)
  const off = options?.plusOne ? 1 : 0
  const areaA = areas(a, options)
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    const aa = areaA[i]
    if (aa === 0) continue
    const ax1 = a[4 * i]
    const ay1 = a[4 * i + 1]
    const ax2 = a[4 * i + 2]
    const ay2 = a[4 * i + 3]
    const row = i * m
    for (let j = 0; j < m; j++) {
      const k = 4 * j
      const iw = Math.min(ax2, b[k + 2]) - Math.max(ax1, b[k]) + off
      if (iw <= 0) continue
      const ih = Math.min(ay2, b[k + 3]) - Math.max(ay1, b[k + 1]) + off
      if (ih <= 0) continue
      out[row + j] = (iw * ih) / aa
    }
  }
  return out
}

/**
 * pycocotools' box IoU (`maskUtils.iou` → `bbIou`), bit for bit: detections `dt` (rows) and ground truth `gt`
 * (columns) both xywh without +1, row-major `dt.count x gt.count`; crowd gt columns use intersection / dt area.
 */
export function cocoIouMatrix(dt: BoxArray, gt: BoxArray, iscrowd?: ArrayLike<number | boolean>): Float64Array {
  const n = boxCount(dt)
  const m = boxCount(gt)
  if (iscrowd !== undefined) checkPerBox("iscrowd flags", iscrowd, m, "compute IoU with")
  const out = new Float64Array(n * m)
  for (let j = 0; j < m; j++) {
    const gx = gt[4 * j]
    const gy = gt[4 * j + 1]
    const gw = gt[4 * j + 2]
    const gh = gt[4 * j + 3]
    const ga = gw * gh
    const gx2 = gw + gx
    const gy2 = gh + gy
    const crowd = iscrowd !== undefined && !!iscrowd[j]
    for (let i = 0; i < n; i++) {
      const k = 4 * i
      const dx = dt[k]
      const dy = dt[k + 1]
      const dw = dt[k + 2]
      const dh = dt[k + 3]
      const dx2 = dw + dx
      const dy2 = dh + dy
      const w = Math.min(dx2, gx2) - Math.max(dx, gx)
      if (w <= 0) continue
      const h = Math.min(dy2, gy2) - Math.max(dy, gy)
      if (h <= 0) continue
      const inter = w * h
      const da = dw * dh
      out[i * m + j] = inter / (crowd ? da : da + ga - inter)
    }
  }
  return out
}
