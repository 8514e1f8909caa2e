import { boxCount, checkBoxesNotNaN, checkCap, checkPerBox, checkScoresNotNaN, checkUnitInterval } from "./_check.ts"
import { buildX1Index, lowerBound, sizeLevel, windowHigh, windowLow } from "./_x1_index.ts"
import type { BoxArray, WidthOptions } from "./types.ts"

/**
 * Options of {@link softNms}. Each selected box M multiplies the score of every remaining box b by
 * `gaussian`: exp(-IoU(M, b)² / sigma) (sigma default 0.5; 0 removes any overlapping box), or
 * `linear`: 1 - IoU when IoU > iouThreshold (default 0.3), else 1, or
 * `hard`: 0 when IoU > iouThreshold, else 1 (greedy NMS; the reference's method 0).
 * Boxes whose score is below `scoreThreshold` (default 0.001) are dropped; at most `maxOutput` are selected.
 */
export interface SoftNmsOptions extends WidthOptions {
  readonly method: "linear" | "gaussian" | "hard"
  readonly sigma?: number | undefined
  readonly iouThreshold?: number | undefined
  readonly scoreThreshold?: number | undefined
  readonly maxOutput?: number | undefined
}

/** SNIPER's test-time merge: Gaussian Soft-NMS, sigma 0.55, drop below 0.001, +1 widths (lib/nms, TEST.NMS_SIGMA). */
export const sniperSoftNms: SoftNmsOptions = { method: "gaussian", sigma: 0.55, scoreThreshold: 0.001, plusOne: true }

/**
 * Soft-NMS (Bodla et al. 2017) over xyxy boxes: repeatedly selects the highest current score (ties: lower index)
 * and decays the others. Returns selected indices in selection order with their decayed scores (non-increasing).
 * Versus the reference `cpu_soft_nms`: float64 arithmetic (scores returned as float32), ties by original index
 * (the reference's depend on its swaps), and boxes starting below `scoreThreshold` are dropped even when they
 * overlap nothing (the reference only drops decayed ones; SNIPER pre-filters scores at 1e-3 so this agrees).
 */
export function softNms(
  boxes: BoxArray,
  scores: ArrayLike<number>,
  options: SoftNmsOptions,
): { keep: Int32Array; scores: Float32Array } {
  const n = boxCount(boxes)
  checkPerBox("scores", scores, n, "run Soft-NMS")
  const gaussian = options.method === "gaussian"
  const hard = options.method === "hard"
  if (!gaussian && !hard && options.method !== "linear") {
    throw new RangeError(
      `Cannot run Soft-NMS: method must be "linear", "gaussian" or "hard", current value is ${options.method}`,
    )
  }
  const sigma = options.sigma ?? 0.5
  if (!(sigma >= 0 && sigma < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`Cannot run Soft-NMS: sigma must be non-negative and finite, current value is ${sigma}`)
  }
  const nt = options.iouThreshold ?? 0.3
  checkUnitInterval("iouThreshold", nt, "run Soft-NMS")
  const threshold = options.scoreThreshold ?? 0.001
  if (Number.isNaN(threshold)) {
    throw new RangeError("Cannot run Soft-NMS: scoreThreshold must be a number, current value is NaN")
  }
  const maxOutput = options.maxOutput ?? n
  checkCap("maxOutput", maxOutput, "run Soft-NMS")
  const off = options.plusOne ? 1 : 0
  const invSigma = sigma > 0 ? 1 / sigma : Number.POSITIVE_INFINITY
  checkScoresNotNaN(scores, "run Soft-NMS")
  checkBoxesNotNaN(boxes, "run Soft-NMS")

  // Spatial index: boxes grouped by level L (max side <= 2^L), x1-ordered within a level, so the boxes that can
  // intersect a selected one are a few x1 windows. Positions p index the re-laid arrays.
  const level = new Int32Array(n)
  let levels = 1
  for (let i = 0; i < n; i++) {
    const l = sizeLevel(Math.max(boxes[4 * i + 2] - boxes[4 * i] + off, boxes[4 * i + 3] - boxes[4 * i + 1] + off))
    level[i] = l
    if (l + 1 > levels) levels = l + 1
  }
  const { start: levelStart, kx, x1, y1, x2, y2, area, box: index } = buildX1Index(boxes, level, levels, off)
  const score = new Float64Array(n)
  for (let p = 0; p < n; p++) score[p] = scores[index[p]]

  // Lazy max-heap of (score when pushed, position), ordered by score desc then index asc. Decays only lower
  // `score`; a popped entry whose score went stale is pushed back with the current one, so each decay costs O(1).
  const heapKey = new Float64Array(n)
  const heapPos = new Int32Array(n)
  const dead = new Uint8Array(n)
  let size = 0
  const before = (ka: number, pa: number, kb: number, pb: number) => ka > kb || (ka === kb && index[pa] < index[pb])
  const siftDown = (slot: number) => {
    const key = heapKey[slot]
    const p = heapPos[slot]
    for (;;) {
      let child = 2 * slot + 1
      if (child >= size) break
      if (child + 1 < size && before(heapKey[child + 1], heapPos[child + 1], heapKey[child], heapPos[child])) child++
      if (!before(heapKey[child], heapPos[child], key, p)) break
      heapKey[slot] = heapKey[child]
      heapPos[slot] = heapPos[child]
      slot = child
    }
    heapKey[slot] = key
    heapPos[slot] = p
  }
  let live = 0
  for (let p = 0; p < n; p++) {
    if (score[p] >= threshold) {
      heapKey[size] = score[p]
      heapPos[size++] = p
    } else {
      dead[p] = 1
    }
  }
  live = size
  for (let slot = (size >> 1) - 1; slot >= 0; slot--) siftDown(slot)

  const cap = Math.min(live, maxOutput)
  const keep = new Int32Array(cap)
  const kept = new Float32Array(cap)
  let k = 0
  while (live > 0 && k < cap) {
    const best = heapPos[0]
    if (dead[best] === 1 || heapKey[0] !== score[best]) {
      // Stale: drop a dead entry, or re-key a decayed one, and look again.
      if (dead[best] === 1) {
        size--
        heapKey[0] = heapKey[size]
        heapPos[0] = heapPos[size]
      } else {
        heapKey[0] = score[best]
      }
      siftDown(0)
      continue
    }
    size--
    heapKey[0] = heapKey[size]
    heapPos[0] = heapPos[size]
    siftDown(0)
    dead[best] = 1
    live--
    keep[k] = index[best]
    kept[k++] = score[best]
    const ba = area[best]
    if (ba === 0) continue
    const bx1 = x1[best]
    const by1 = y1[best]
    const bx2 = x2[best]
    const by2 = y2[best]
    const highX = windowHigh(bx2, off)
    for (let l = 0; l < levels; l++) {
      const end = levelStart[l + 1]
      for (let q = lowerBound(kx, levelStart[l], end, windowLow(bx1, l)); q < end; q++) {
        if (kx[q] > highX) break
        if (dead[q] === 1) continue
        const iw = Math.min(bx2, x2[q]) - Math.max(bx1, x1[q]) + off
        if (iw <= 0) continue
        const ih = Math.min(by2, y2[q]) - Math.max(by1, y1[q]) + off
        if (ih <= 0) continue
        const inter = iw * ih
        const iou = inter / (ba + area[q] - inter)
        let weight: number
        if (gaussian) weight = Math.exp(-iou * iou * invSigma)
        else if (iou > nt) weight = hard ? 0 : 1 - iou
        else continue
        const s = score[q] * weight
        score[q] = s
        if (s < threshold) {
          dead[q] = 1
          live--
        }
      }
    }
  }
  return k === cap ? { keep, scores: kept } : { keep: keep.slice(0, k), scores: kept.slice(0, k) }
}
