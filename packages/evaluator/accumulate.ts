/** pycocotools' `accumulate()`: interpolated precision and recall per IoU threshold, category, area range and cap. */

import { categoryScoreOrder } from "./_score_order.ts"
import { FALSE_POSITIVE, IGNORED, type Matches, TRUE_POSITIVE } from "./match_detections.ts"
import type { CocoParams } from "./params.ts"

/**
 * Row-major arrays in pycocotools' layout; -1 where a category has no non-ignored ground truth in that area range.
 * precision and scores: [T][R][K][A][M]; recall: [T][K][A][M].
 */
export interface Accumulated {
  readonly shape: { readonly T: number; readonly R: number; readonly K: number; readonly A: number; readonly M: number }
  readonly precision: Float64Array
  readonly recall: Float64Array
  /** score of the detection where each recall threshold is reached (0 past the last one) */
  readonly scores: Float64Array
}

const EPS = 2.220446049250313e-16 // np.spacing(1)

/** Each category's slots, by score descending, ties by slot (image id, then rank): numpy's stable mergesort. */
function slotsByCategory(matches: Matches, K: number): { start: Int32Array; slots: Int32Array } {
  const start = new Int32Array(K + 1)
  for (let s = 0; s < matches.count; s++) start[matches.category[s] + 1]++
  for (let k = 0; k < K; k++) start[k + 1] += start[k]
  return { start, slots: categoryScoreOrder(matches.category, matches.score, K) }
}

/**
 * Accumulates matches over images into precision/recall arrays. Same numbers as pycocotools without its per-entry
 * arrays: recall only moves at true positives, so the first entry reaching recall threshold r is the c_r-th true
 * positive (c_r the least count with c / npig >= r, tested in floating point as numpy does), and the precision
 * envelope to the right of an entry is the running maximum over the true positives from there on.
 */
export function accumulate(matches: Matches, params: CocoParams, categoryCount: number): Accumulated {
  const T = params.iouThresholds.length
  const R = params.recallThresholds.length
  const K = categoryCount
  const A = params.areaRanges.length
  const M = params.maxDets.length
  const recThrs = params.recallThresholds
  const precision = new Float64Array(T * R * K * A * M).fill(-1)
  const recall = new Float64Array(T * K * A * M).fill(-1)
  const scores = new Float64Array(T * R * K * A * M).fill(-1)
  const { start, slots } = slotsByCategory(matches, K)

  let longest = 0
  for (let k = 0; k < K; k++) longest = Math.max(longest, start[k + 1] - start[k])
  const tpPrecision = new Float64Array(T * longest) // precision at the c-th true positive, per threshold
  const tpScore = new Float64Array(T * longest)
  const tp = new Int32Array(T)
  const fp = new Int32Array(T)
  const least = new Int32Array(R) // c_r
  const { outcome } = matches
  // rank, score and uniform codes laid out in the sorted order, so the passes below read memory in sequence
  const rank = new Int32Array(matches.count)
  const score = new Float64Array(matches.count)
  const uniform = new Uint8Array(matches.count * A)
  for (let i = 0; i < matches.count; i++) {
    const s = slots[i]
    rank[i] = matches.rank[s]
    score[i] = matches.score[s]
    for (let a = 0; a < A; a++) uniform[i * A + a] = matches.uniform[s * A + a]
  }

  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      const npig = matches.positives[k * A + a]
      if (npig === 0) continue
      for (let r = 0; r < R; r++) {
        let c = Math.min(npig + 1, Math.max(0, Math.ceil(recThrs[r] * npig)))
        while (c > 0 && (c - 1) / npig >= recThrs[r]) c--
        while (c <= npig && c / npig < recThrs[r]) c++
        least[r] = c
      }
      for (let m = 0; m < M; m++) {
        const cap = params.maxDets[m]
        tp.fill(0)
        fp.fill(0)
        let fpAll = 0 // false positives at every threshold, added to fp[t] at the end
        let nd = 0
        let firstScore = 0
        for (let i = start[k]; i < start[k + 1]; i++) {
          if (rank[i] >= cap) continue
          if (nd++ === 0) firstScore = score[i]
          const same = uniform[i * A + a]
          if (same === FALSE_POSITIVE) {
            fpAll++
            continue
          }
          if (same === IGNORED) continue
          const base = (slots[i] * A + a) * T
          for (let t = 0; t < T; t++) {
            const code = outcome[base + t]
            if (code === TRUE_POSITIVE) {
              const c = ++tp[t]
              tpPrecision[t * longest + c - 1] = c / (fp[t] + fpAll + c + EPS)
              tpScore[t * longest + c - 1] = score[i]
            } else if (code === FALSE_POSITIVE) fp[t]++
          }
        }
        for (let t = 0; t < T; t++) {
          const off = t * longest
          const found = tp[t]
          recall[((t * K + k) * A + a) * M + m] = nd > 0 ? found / npig : 0
          for (let c = found - 1; c > 0; c--) {
            if (tpPrecision[off + c] > tpPrecision[off + c - 1]) tpPrecision[off + c - 1] = tpPrecision[off + c]
          }
          for (let r = 0; r < R; r++) {
            const c = least[r]
            const at = (((t * R + r) * K + k) * A + a) * M + m
            if (nd === 0 || c > found) {
              precision[at] = 0
              scores[at] = 0
            } else if (c === 0) {
              precision[at] = found > 0 ? tpPrecision[off] : 0
              scores[at] = firstScore
            } else {
              precision[at] = tpPrecision[off + c - 1]
              scores[at] = tpScore[off + c - 1]
            }
          }
        }
      }
    }
  }
  return { shape: { T, R, K, A, M }, precision, recall, scores }
}
