import { boxCount, checkBoxesNotNaN, checkCap, checkPerBox, checkUnitInterval } from "./_check.ts"
import { radixArgsort, scoreOrder } from "./_order.ts"
import { buildX1Index, lowerBound } from "./_x1_index.ts"
import type { BoxArray, WidthOptions } from "./types.ts"

/**
 * Options of {@link nms}: a box is dropped when its IoU with a kept, higher-ranked box is strictly above
 * `iouThreshold` (in [0, 1]; as the reference's Python and GPU NMS and torchvision; its Cython `cpu_nms` drops at
 * >=); at most `maxOutput` boxes are kept.
 */
export interface NmsOptions extends WidthOptions {
  readonly iouThreshold: number
  readonly maxOutput?: number | undefined
}

/**
 * Greedy non-maximum suppression over xyxy boxes. Returns kept indices, highest score first, equal scores by index.
 * Same result as the textbook loop; each kept box only visits boxes whose corner could give IoU above the threshold.
 */
export function nms(boxes: BoxArray, scores: ArrayLike<number>, options: NmsOptions): Int32Array {
  return greedyNms(boxes, scores, undefined, options, "run NMS")
}

/** {@link nms} within each class: boxes of different classes never suppress each other. Output as in nms. */
export function batchedNms(
  boxes: BoxArray,
  scores: ArrayLike<number>,
  classes: Int32Array,
  options: NmsOptions,
): Int32Array {
  return greedyNms(boxes, scores, classes, options, "run batched NMS")
}

function greedyNms(
  boxes: BoxArray,
  scores: ArrayLike<number>,
  classes: Int32Array | undefined,
  options: NmsOptions,
  verb: string,
): Int32Array {
  const n = boxCount(boxes)
  checkPerBox("scores", scores, n, verb)
  if (classes !== undefined) checkPerBox("classes", classes, n, verb)
  const t = options.iouThreshold
  checkUnitInterval("iouThreshold", t, verb)
  const maxOutput = options.maxOutput ?? n
  checkCap("maxOutput", maxOutput, verb)
  checkBoxesNotNaN(boxes, verb)
  const off = options.plusOne ? 1 : 0
  const order = scoreOrder(scores, verb)
  const cap = Math.min(n, maxOutput)
  if (cap === 0) return new Int32Array(0)

  // Buckets: (class, band of y1); inside a bucket boxes run in x1 order, so a kept box scans a few x1 windows.
  const classId = new Int32Array(n)
  let classCount = 1
  if (classes !== undefined) {
    const keys = new Uint32Array(n)
    for (let i = 0; i < n; i++) keys[i] = (classes[i] ^ 0x80000000) >>> 0
    const byClass = radixArgsort(keys)
    classCount = 0
    for (let r = 0; r < n; r++) {
      if (r > 0 && classes[byClass[r]] !== classes[byClass[r - 1]]) classCount++
      classId[byClass[r]] = classCount
    }
    classCount++
  }
  let minY = Number.POSITIVE_INFINITY
  let maxY = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) {
    const y = boxes[4 * i + 1]
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  const span = maxY - minY
  const bands = span > 0 && span < Number.POSITIVE_INFINITY ? bandCount(n / classCount) : 1
  const invBand = bands > 1 ? bands / span : 0
  const band = (y: number) => {
    const v = (y - minY) * invBand
    return v >= bands - 1 ? bands - 1 : v > 0 ? Math.floor(v) : 0
  }
  const bucketCount = classCount * bands
  const bucketOf = new Int32Array(n)
  for (let i = 0; i < n; i++) bucketOf[i] = classId[i] * bands + band(boxes[4 * i + 1])
  const { start: bucketStart, kx, x1, y1, x2, y2, area, pos } = buildX1Index(boxes, bucketOf, bucketCount, off)

  // IoU > t needs W_j < W_i / t and iw > t max(W_i, W_j), so x1_j - x1_i lies in (-(1 - t) W_i / t, (1 - t) W_i);
  // the same holds for y. The slack only widens the scan; the IoU test decides.
  const right = 1 - t
  const left = t > 0 ? (1 - t) / t : Number.POSITIVE_INFINITY
  // done[p]: kept or suppressed. Every box ranked above the current one is done, so one flag replaces a rank test.
  const done = new Uint8Array(n)
  const keep = new Int32Array(cap)
  let kept = 0
  for (let r = 0; r < n && kept < cap; r++) {
    const i = order[r]
    const p = pos[i]
    if (done[p] === 1) continue
    done[p] = 1
    keep[kept++] = i
    const a = area[p]
    if (a === 0) continue
    const bx1 = x1[p]
    const by1 = y1[p]
    const bx2 = x2[p]
    const by2 = y2[p]
    const w = bx2 - bx1 + off
    const h = by2 - by1 + off
    const slackX = 1e-7 * (Math.abs(bx1) + w)
    const slackY = 1e-7 * (Math.abs(by1) + h)
    const lowX = Math.fround(bx1 - left * w - slackX)
    const highX = Math.fround(bx1 + right * w + slackX)
    const base = bucketOf[i] - band(by1)
    const bandHi = base + band(by1 + right * h + slackY)
    for (let b = base + band(by1 - left * h - slackY); b <= bandHi; b++) {
      const end = bucketStart[b + 1]
      for (let q = lowerBound(kx, bucketStart[b], end, lowX); q < end; q++) {
        if (kx[q] > highX) break
        if (done[q] === 1) continue
        const iw = Math.min(bx2, x2[q]) - Math.max(bx1, x1[q]) + off
        if (iw <= 0) continue
        const ih = Math.min(by2, y2[q]) - Math.max(by1, y1[q]) + off
        if (ih <= 0) continue
        const inter = iw * ih
        if (inter / (a + area[q] - inter) > t) done[q] = 1
      }
    }
  }
  return kept === cap ? keep : keep.slice(0, kept)
}

/** Bands of y1 for `perClass` boxes: about sqrt(perClass / 16), at least 1, at most 64. */
function bandCount(perClass: number): number {
  return Math.max(1, Math.min(64, Math.round(Math.sqrt(perClass / 16))))
}
