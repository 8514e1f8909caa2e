import type { Prng } from "@sniper/random"
import { type CandidateGrid, candidateBox, candidateContains, gridStart } from "./candidates.ts"

/**
 * Result of a greedy cover: chosen candidates in pick order, how many boxes each newly covered, and for each box
 * the pick (index into `chosen`) that covered it, or -1 when no candidate contains it.
 */
export interface Cover {
  readonly chosen: Int32Array
  readonly newlyCovered: Int32Array
  readonly coveredBy: Int32Array
}

let scratch = new Int32Array(1024)

/**
 * SNIPER's greedy cover (docs/sniper.md section 2): shuffle the candidates, then repeatedly pick the first one
 * containing the most not-yet-covered boxes, until none contains any. `boxes` are xyxy in the grid's scaled px
 * (already clipped). Only candidates containing some box can ever be picked, so only those are shuffled (their
 * relative order is as uniform as under a shuffle of all). Containment sets are rectangles of the regular grid,
 * so counts are kept incrementally: O(boxes x chips-per-box + picks x live candidates), not the naive
 * O(picks x candidates x boxes).
 */
export function greedyCover(grid: CandidateGrid, boxes: Float64Array, prng: Prng): Cover {
  const m = boxes.length >> 2
  // Scratch counts reused across calls: allocation dominated the cost of small images.
  if (scratch.length < grid.count) scratch = new Int32Array(Math.max(grid.count, 2 * scratch.length))
  const counts = scratch
  counts.fill(0, 0, grid.count)
  for (let j = 0; j < m; j++) addContaining(grid, counts, boxes, j, 1)
  const order = liveOrder(counts.subarray(0, grid.count), prng)
  const coveredBy = new Int32Array(m).fill(-1)
  // At most one pick per box: every pick covers at least one.
  const chosen = new Int32Array(Math.min(m, order.length))
  const newly = new Int32Array(chosen.length)
  let picks = 0
  for (;;) {
    let best = -1
    let bestCount = 0
    for (let p = 0; p < order.length; p++) {
      const c = counts[order[p]]
      if (c > bestCount) {
        bestCount = c
        best = order[p]
      }
    }
    if (best < 0) break
    const pick = picks++
    chosen[pick] = best
    newly[pick] = bestCount
    const [cx1, cy1, cx2, cy2] = candidateBox(grid, best)
    for (let j = 0; j < m; j++) {
      if (coveredBy[j] >= 0) continue
      const o = 4 * j
      if (cx1 <= boxes[o] && cy1 <= boxes[o + 1] && boxes[o + 2] <= cx2 && boxes[o + 3] <= cy2) {
        coveredBy[j] = pick
        addContaining(grid, counts, boxes, j, -1)
      }
    }
  }
  return { chosen: chosen.subarray(0, picks), newlyCovered: newly.subarray(0, picks), coveredBy }
}

/** Adds `delta` to the count of every candidate containing box `j`. */
function addContaining(grid: CandidateGrid, counts: Int32Array, boxes: Float64Array, j: number, delta: number): void {
  const o = 4 * j
  const x1 = boxes[o]
  const y1 = boxes[o + 1]
  const x2 = boxes[o + 2]
  const y2 = boxes[o + 3]
  for (let k = 0; k < gridStart; k++) if (candidateContains(grid, k, x1, y1, x2, y2)) counts[k] += delta
  const { nx, ny, stride: d, chipSize: c, width, height } = grid
  // Grid origins t d with t d <= lo and t d + C - 1 >= hi, clamped to [0, n - 1].
  const [ixLo, ixHi] = originRange(x1, x2, d, c, nx)
  const [iyLo, iyHi] = originRange(y1, y2, d, c, ny)
  for (let ix = ixLo; ix <= ixHi; ix++) {
    const row = gridStart + ix * ny
    for (let iy = iyLo; iy <= iyHi; iy++) counts[row + iy] += delta
  }
  const edge = gridStart + nx * ny
  if (Math.max(width - c - 1, 0) <= x1 && x2 <= width - 1) {
    for (let iy = iyLo; iy <= iyHi; iy++) counts[edge + iy] += delta
  }
  if (Math.max(height - c - 1, 0) <= y1 && y2 <= height - 1) {
    for (let ix = ixLo; ix <= ixHi; ix++) counts[edge + ny + ix] += delta
  }
}

/** Candidates with a non-zero count, in index order, shuffled by `prng`. */
export function liveOrder(counts: ArrayLike<number>, prng: Prng): Int32Array {
  let live = 0
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) live++
  const order = new Int32Array(live)
  for (let k = 0, t = 0; k < counts.length; k++) if (counts[k] > 0) order[t++] = k
  return prng.shuffle(order)
}

function originRange(lo: number, hi: number, d: number, c: number, n: number): [number, number] {
  let first = Math.max(0, Math.ceil((hi - c + 1) / d))
  while (first > 0 && (first - 1) * d + c - 1 >= hi) first--
  while (first < n && first * d + c - 1 < hi) first++
  let last = Math.min(n - 1, Math.floor(lo / d))
  while (last >= 0 && last * d > lo) last--
  while (last + 1 < n && (last + 1) * d <= lo) last++
  return [first, last]
}
