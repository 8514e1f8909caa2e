import type { Prng } from "@sniper/random"
import { type CandidateGrid, candidateContains } from "./candidates.ts"
import { type Cover, liveOrder } from "./greedy_cover.ts"

/**
 * The greedy cover written the direct way (a full containment matrix, recounted every pick), as the reference's
 * C++ does: the baseline of the bench and the oracle of the tests. Same result as `greedyCover`.
 */
export function naiveGreedyCover(grid: CandidateGrid, boxes: Float64Array, prng: Prng): Cover {
  const m = boxes.length >> 2
  const all = new Uint8Array(grid.count * m)
  const contained = new Int32Array(grid.count)
  for (let k = 0; k < grid.count; k++) {
    for (let j = 0; j < m; j++) {
      const o = 4 * j
      if (candidateContains(grid, k, boxes[o], boxes[o + 1], boxes[o + 2], boxes[o + 3])) {
        all[k * m + j] = 1
        contained[k]++
      }
    }
  }
  const order = liveOrder(contained, prng)
  const n = order.length
  const inside = new Uint8Array(n * m)
  for (let p = 0; p < n; p++) inside.set(all.subarray(order[p] * m, order[p] * m + m), p * m)
  const coveredBy = new Int32Array(m).fill(-1)
  const chosen: Array<number> = []
  const newly: Array<number> = []
  for (;;) {
    let best = -1
    let bestCount = 0
    for (let p = 0; p < n; p++) {
      let count = 0
      for (let j = 0; j < m; j++) if (inside[p * m + j] === 1 && coveredBy[j] < 0) count++
      if (count > bestCount) {
        bestCount = count
        best = p
      }
    }
    if (best < 0) break
    for (let j = 0; j < m; j++) if (inside[best * m + j] === 1 && coveredBy[j] < 0) coveredBy[j] = chosen.length
    chosen.push(order[best])
    newly.push(bestCount)
  }
  return { chosen: Int32Array.from(chosen), newlyCovered: Int32Array.from(newly), coveredBy }
}
