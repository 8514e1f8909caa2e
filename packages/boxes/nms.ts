import { boxCount, checkPerBox } from "./_check.ts"
import { scoreOrder } from "./_order.ts"
import type { BoxArray, WidthOptions } from "./types.ts"

/**
 * Options of {@link nms}: a box is dropped when its IoU with a kept, higher-ranked box is strictly above
 * `iouThreshold` (in [0, 1]); at most `maxOutput` boxes are kept.
 */
export interface NmsOptions extends WidthOptions {
  readonly iouThreshold: number
  readonly maxOutput?: number | undefined
}

/**
 * Greedy non-maximum suppression over xyxy boxes. Returns kept indices, highest score first, equal scores by index.
 * Same result as the textbook loop; each kept box only visits boxes whose x1 could give IoU above the threshold.
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
  if (!(t >= 0 && t <= 1)) {
    throw new RangeError(`Cannot ${verb}: iouThreshold must be in [0, 1], current value is ${t}`)
  }
  const maxOutput = options.maxOutput ?? n
  if (!(maxOutput >= 0)) {
    throw new RangeError(`Cannot ${verb}: maxOutput must be non-negative, current value is ${maxOutput}`)
  }
  const off = options.plusOne ? 1 : 0
  const order = scoreOrder(scores, verb)

  // Boxes re-laid in (class, x1) order so a kept box scans only a contiguous x1 window of its class.
  const byX = new Int32Array(n)
  for (let i = 0; i < n; i++) byX[i] = i
  if (classes === undefined) byX.sort((a, b) => boxes[4 * a] - boxes[4 * b] || a - b)
  else byX.sort((a, b) => classes[a] - classes[b] || boxes[4 * a] - boxes[4 * b] || a - b)
  const rank = new Int32Array(n)
  for (let r = 0; r < n; r++) rank[order[r]] = r
  const x1 = new Float64Array(n)
  const y1 = new Float64Array(n)
  const x2 = new Float64Array(n)
  const y2 = new Float64Array(n)
  const area = new Float64Array(n)
  const rankAt = new Int32Array(n)
  const pos = new Int32Array(n)
  const segEnd = new Int32Array(n)
  const segStart = new Int32Array(n)
  for (let p = 0; p < n; p++) {
    const i = byX[p]
    pos[i] = p
    x1[p] = boxes[4 * i]
    y1[p] = boxes[4 * i + 1]
    x2[p] = boxes[4 * i + 2]
    y2[p] = boxes[4 * i + 3]
    const w = x2[p] - x1[p] + off
    const h = y2[p] - y1[p] + off
    area[p] = w > 0 && h > 0 ? w * h : 0
    rankAt[p] = rank[i]
  }
  if (classes === undefined) {
    segEnd.fill(n)
  } else {
    for (let p = 0; p < n; ) {
      let q = p + 1
      while (q < n && classes[byX[q]] === classes[byX[p]]) q++
      segStart.fill(p, p, q)
      segEnd.fill(q, p, q)
      p = q
    }
  }

  // IoU > t needs |x1_i - x1_j| below (1 - t) W_i on the right and (1 - t) W_i / t on the left (W_j < W_i / t).
  const right = 1 - t
  const left = t > 0 ? (1 - t) / t : Number.POSITIVE_INFINITY
  const suppressed = new Uint8Array(n)
  const keep = new Int32Array(Math.min(n, maxOutput))
  let kept = 0
  for (let r = 0; r < n && kept < maxOutput; r++) {
    const i = order[r]
    const p = pos[i]
    if (suppressed[p] === 1) continue
    keep[kept++] = i
    const a = area[p]
    if (a === 0) continue
    const bx1 = x1[p]
    const by1 = y1[p]
    const bx2 = x2[p]
    const by2 = y2[p]
    const w = bx2 - bx1 + off
    const slack = 1e-7 * (Math.abs(bx1) + w)
    const lowX = bx1 - left * w - slack
    const highX = bx1 + right * w + slack
    const end = segEnd[p]
    // First position of the class segment whose x1 >= lowX.
    let lo = segStart[p]
    let hi = p
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (x1[mid] < lowX) lo = mid + 1
      else hi = mid
    }
    for (let q = lo; q < end; q++) {
      const qx1 = x1[q]
      if (qx1 > highX) break
      if (suppressed[q] === 1 || rankAt[q] <= r) continue
      const iw = Math.min(bx2, x2[q]) - Math.max(bx1, qx1) + off
      if (iw <= 0) continue
      const ih = Math.min(by2, y2[q]) - Math.max(by1, y1[q]) + off
      if (ih <= 0) continue
      const inter = iw * ih
      if (inter / (a + area[q] - inter) > t) suppressed[q] = 1
    }
  }
  return kept === keep.length ? keep : keep.slice(0, kept)
}
