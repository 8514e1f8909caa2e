/** pycocotools' `accumulate()`: interpolated precision and recall per IoU threshold, category, area range and cap. */
import { FALSE_POSITIVE, type Matches, TRUE_POSITIVE } from "./match_detections.ts"
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

/** Sorts each category's slots by score descending, ties by slot (image id, then rank): numpy's stable mergesort. */
function slotsByCategory(matches: Matches, K: number): { start: Int32Array; slots: Int32Array } {
  const start = new Int32Array(K + 1)
  for (let s = 0; s < matches.count; s++) start[matches.category[s] + 1]++
  for (let k = 0; k < K; k++) start[k + 1] += start[k]
  const next = start.slice(0, K)
  const slots = new Int32Array(matches.count)
  for (let s = 0; s < matches.count; s++) slots[next[matches.category[s]]++] = s
  const score = matches.score
  for (let k = 0; k < K; k++) slots.subarray(start[k], start[k + 1]).sort((a, b) => score[b] - score[a] || a - b)
  return { start, slots }
}

/** Accumulates matches over images into precision/recall arrays. */
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
  const rc = new Float64Array(T * longest)
  const pr = new Float64Array(T * longest)
  const sc = new Float64Array(longest)
  const tp = new Float64Array(T)
  const fp = new Float64Array(T)
  const { outcome, rank } = matches

  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      const npig = matches.positives[k * A + a]
      if (npig === 0) continue
      for (let m = 0; m < M; m++) {
        const cap = params.maxDets[m]
        tp.fill(0)
        fp.fill(0)
        let nd = 0
        for (let i = start[k]; i < start[k + 1]; i++) {
          const s = slots[i]
          if (rank[s] >= cap) continue
          const base = (s * A + a) * T
          for (let t = 0; t < T; t++) {
            const code = outcome[base + t]
            if (code === TRUE_POSITIVE) tp[t]++
            else if (code === FALSE_POSITIVE) fp[t]++
            rc[t * longest + nd] = tp[t] / npig
            pr[t * longest + nd] = tp[t] / (fp[t] + tp[t] + EPS)
          }
          sc[nd] = matches.score[s]
          nd++
        }
        for (let t = 0; t < T; t++) {
          const off = t * longest
          recall[((t * K + k) * A + a) * M + m] = nd > 0 ? rc[off + nd - 1] : 0
          // precision envelope: non-increasing from the right
          for (let i = nd - 1; i > 0; i--) if (pr[off + i] > pr[off + i - 1]) pr[off + i - 1] = pr[off + i]
          // searchsorted(rc, recThrs, side="left"); thresholds past the last recall keep 0
          let i = 0
          for (let r = 0; r < R; r++) {
            while (i < nd && rc[off + i] < recThrs[r]) i++
            const at = (((t * R + r) * K + k) * A + a) * M + m
            precision[at] = i < nd ? pr[off + i] : 0
            scores[at] = i < nd ? sc[i] : 0
          }
        }
      }
    }
  }
  return { shape: { T, R, K, A, M }, precision, recall, scores }
}
