/**
 * The spatial index of the NMS family and the large IoU matrix: boxes re-laid bucket after bucket, x1-ascending
 * inside a bucket, so the boxes that can meet a given one are a few binary-searched x1 windows.
 */
import { float32Keys, radixArgsort } from "./_order.ts"
import type { BoxArray } from "./types.ts"

/** Boxes by position p: bucket b holds positions [start[b], start[b + 1]); `box[p]` is input box i, `pos[i]` is p. */
export interface X1Index {
  readonly start: Int32Array
  /** x1 rounded to float32: ascending within a bucket, searched with float32-rounded bounds. */
  readonly kx: Float32Array
  readonly x1: Float64Array
  readonly y1: Float64Array
  readonly x2: Float64Array
  readonly y2: Float64Array
  /** px² with the `off` widths; 0 for an empty box. */
  readonly area: Float64Array
  readonly box: Int32Array
  readonly pos: Int32Array
}

/**
 * Lays out xyxy `boxes` by `bucketOf[i]` in [0, bucketCount), x1-ascending inside a bucket, ties by input index.
 * `off` is 1 for the +1 widths, else 0.
 */
export function buildX1Index(boxes: BoxArray, bucketOf: Int32Array, bucketCount: number, off: number): X1Index {
  const n = bucketOf.length
  const start = new Int32Array(bucketCount + 1)
  for (let i = 0; i < n; i++) start[bucketOf[i] + 1]++
  for (let b = 0; b < bucketCount; b++) start[b + 1] += start[b]
  const fill = start.slice(0, bucketCount)
  const kx = new Float32Array(n)
  const x1 = new Float64Array(n)
  const y1 = new Float64Array(n)
  const x2 = new Float64Array(n)
  const y2 = new Float64Array(n)
  const area = new Float64Array(n)
  const box = new Int32Array(n)
  const pos = new Int32Array(n)
  const byX = radixArgsort(float32Keys(boxes, n, 4, 0))
  for (let s = 0; s < n; s++) {
    const i = byX[s]
    const p = fill[bucketOf[i]]++
    box[p] = i
    pos[i] = p
    kx[p] = boxes[4 * i]
    x1[p] = boxes[4 * i]
    y1[p] = boxes[4 * i + 1]
    x2[p] = boxes[4 * i + 2]
    y2[p] = boxes[4 * i + 3]
    const w = x2[p] - x1[p] + off
    const h = y2[p] - y1[p] + off
    area[p] = w > 0 && h > 0 ? w * h : 0
  }
  return { start, kx, x1, y1, x2, y2, area, box, pos }
}

/** First position in [lo, hi) whose key is >= `value`, or hi; `keys` ascending over that range. */
export function lowerBound(keys: Float32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (keys[mid] < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Size level of a side in px: the least L >= 0 with side <= 2^L, at most 1100 (infinite sides); 0 for NaN. */
export function sizeLevel(side: number): number {
  return side > 1 ? Math.min(1100, Math.ceil(Math.log2(side))) : 0
}

/**
 * The x1 window of level `level` around a box spanning [bx1, bx2]: a box of width <= 2^level meets it only if its x1
 * lies in [windowLow(bx1, level), windowHigh(bx2, off)], float32-rounded and widened by a 1e-7 relative slack.
 */
export function windowLow(bx1: number, level: number): number {
  const reach = 2 ** level
  return Math.fround(bx1 - reach - 1e-7 * (Math.abs(bx1) + reach))
}

/** The upper end of every level's window, see {@link windowLow}. */
export function windowHigh(bx2: number, off: number): number {
  return Math.fround(bx2 + off + 1e-7 * (Math.abs(bx2) + 1))
}
