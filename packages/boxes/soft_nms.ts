import { boxCount, checkPerBox } from "./_check.ts"
import type { BoxArray, WidthOptions } from "./types.ts"

/**
 * Options of {@link softNms}. Each selected box M multiplies the score of every remaining box b by
 * `gaussian`: exp(-IoU(M, b)² / sigma) (sigma default 0.5; 0 removes any overlapping box), or
 * `linear`: 1 - IoU when IoU > iouThreshold (default 0.3), else 1.
 * Boxes whose score is below `scoreThreshold` (default 0.001) are dropped; at most `maxOutput` are selected.
 */
export interface SoftNmsOptions extends WidthOptions {
  readonly method: "linear" | "gaussian"
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
 */
export function softNms(
  boxes: BoxArray,
  scores: ArrayLike<number>,
  options: SoftNmsOptions,
): { keep: Int32Array; scores: Float32Array } {
  const n = boxCount(boxes)
  checkPerBox("scores", scores, n, "run Soft-NMS")
  const gaussian = options.method === "gaussian"
  if (!gaussian && options.method !== "linear") {
    throw new RangeError(
      `Cannot run Soft-NMS: method must be "linear" or "gaussian", current value is ${options.method}`,
    )
  }
  const sigma = options.sigma ?? 0.5
  if (!(sigma >= 0 && sigma < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`Cannot run Soft-NMS: sigma must be non-negative and finite, current value is ${sigma}`)
  }
  const nt = options.iouThreshold ?? 0.3
  if (!(nt >= 0 && nt <= 1)) {
    throw new RangeError(`Cannot run Soft-NMS: iouThreshold must be in [0, 1], current value is ${nt}`)
  }
  const threshold = options.scoreThreshold ?? 0.001
  if (Number.isNaN(threshold)) {
    throw new RangeError("Cannot run Soft-NMS: scoreThreshold must be a number, current value is NaN")
  }
  const maxOutput = options.maxOutput ?? n
  if (!(maxOutput >= 0)) {
    throw new RangeError(`Cannot run Soft-NMS: maxOutput must be non-negative, current value is ${maxOutput}`)
  }
  const off = options.plusOne ? 1 : 0
  const invSigma = sigma > 0 ? 1 / sigma : Number.POSITIVE_INFINITY

  // Live candidates, compacted: removal swaps the last one in.
  const x1 = new Float64Array(n)
  const y1 = new Float64Array(n)
  const x2 = new Float64Array(n)
  const y2 = new Float64Array(n)
  const area = new Float64Array(n)
  const score = new Float64Array(n)
  const index = new Int32Array(n)
  let m = 0
  for (let i = 0; i < n; i++) {
    const s = scores[i]
    if (Number.isNaN(s)) {
      throw new RangeError(`Cannot run Soft-NMS: scores must not be NaN, current value is NaN at index ${i}`)
    }
    if (s < threshold) continue
    x1[m] = boxes[4 * i]
    y1[m] = boxes[4 * i + 1]
    x2[m] = boxes[4 * i + 2]
    y2[m] = boxes[4 * i + 3]
    const w = x2[m] - x1[m] + off
    const h = y2[m] - y1[m] + off
    area[m] = w > 0 && h > 0 ? w * h : 0
    score[m] = s
    index[m] = i
    m++
  }

  const cap = Math.min(m, maxOutput)
  const keep = new Int32Array(cap)
  const kept = new Float32Array(cap)
  let k = 0
  while (m > 0 && k < cap) {
    let best = 0
    for (let q = 1; q < m; q++) {
      if (score[q] > score[best] || (score[q] === score[best] && index[q] < index[best])) best = q
    }
    keep[k] = index[best]
    kept[k++] = score[best]
    const bx1 = x1[best]
    const by1 = y1[best]
    const bx2 = x2[best]
    const by2 = y2[best]
    const ba = area[best]
    m--
    moveTo(m, best)
    if (ba === 0) continue
    for (let q = 0; q < m; q++) {
      const iw = Math.min(bx2, x2[q]) - Math.max(bx1, x1[q]) + off
      if (iw <= 0) continue
      const ih = Math.min(by2, y2[q]) - Math.max(by1, y1[q]) + off
      if (ih <= 0) continue
      const inter = iw * ih
      const iou = inter / (ba + area[q] - inter)
      let weight: number
      if (gaussian) weight = Math.exp(-iou * iou * invSigma)
      else if (iou > nt) weight = 1 - iou
      else continue
      const s = score[q] * weight
      if (s < threshold) {
        m--
        moveTo(m, q)
        q--
      } else {
        score[q] = s
      }
    }
  }
  return k === cap ? { keep, scores: kept } : { keep: keep.slice(0, k), scores: kept.slice(0, k) }

  /** Copies candidate `from` into slot `to`. */
  function moveTo(from: number, to: number): void {
    x1[to] = x1[from]
    y1[to] = y1[from]
    x2[to] = x2[from]
    y2[to] = y2[from]
    area[to] = area[from]
    score[to] = score[from]
    index[to] = index[from]
  }
}
