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
 * The slots in accumulation order (category k's at [start[k], start[k + 1]), see slotsByCategory), with their rank,
 * score and uniform codes laid out in that order so the passes below read memory in sequence.
 */
interface Sorted {
  readonly start: Int32Array
  readonly slots: Int32Array
  readonly rank: Int32Array
  readonly score: Float64Array
  /** at [i * A + a] */
  readonly uniform: Uint8Array
}

/** Step 0: sort and lay out the slots once for all curves. */
function sortedSlots(matches: Matches, K: number, A: number): Sorted {
  const { start, slots } = slotsByCategory(matches, K)
  const rank = new Int32Array(matches.count)
  const score = new Float64Array(matches.count)
  const uniform = new Uint8Array(matches.count * A)
  for (let i = 0; i < matches.count; i++) {
    const s = slots[i]
    rank[i] = matches.rank[s]
    score[i] = matches.score[s]
    for (let a = 0; a < A; a++) uniform[i * A + a] = matches.uniform[s * A + a]
  }
  return { start, slots, rank, score, uniform }
}

/**
 * Step 1: c_r for each recall threshold r: the least count of true positives c with c / npig >= r, tested in
 * floating point as numpy does (npig + 1 when none reaches it).
 */
function leastCounts(recThrs: Float64Array, npig: number, least: Int32Array): void {
  for (let r = 0; r < recThrs.length; r++) {
    let c = Math.min(npig + 1, Math.max(0, Math.ceil(recThrs[r] * npig)))
    while (c > 0 && (c - 1) / npig >= recThrs[r]) c--
    while (c <= npig && c / npig < recThrs[r]) c++
    least[r] = c
  }
}

/**
 * One precision-recall curve per IoU threshold, for a (category, area range, cap): the precision and score at the
 * c-th true positive at [t * longest + c - 1], the counts, and the kept detections. Reused for every curve.
 */
interface Curves {
  readonly T: number
  readonly longest: number
  readonly precision: Float64Array
  readonly score: Float64Array
  readonly tp: Int32Array
  readonly fp: Int32Array
  /** detections within the cap, and the first one's score */
  count: number
  firstScore: number
}

/**
 * Step 2: walks category k's slots by score, those of rank below `cap`, in area range a: counts true and false
 * positives per threshold and records precision and score at each true positive. A detection whose outcome is the
 * same at every threshold is decided from its uniform code alone.
 */
function traceCurves(
  curves: Curves,
  sorted: Sorted,
  outcome: Uint8Array,
  at: { k: number; a: number; A: number; cap: number },
): void {
  const { T, longest, precision, score: tpScore, tp, fp } = curves
  const { rank, score, uniform, slots } = sorted
  const { k, a, A, cap } = at
  tp.fill(0)
  fp.fill(0)
  let fpAll = 0 // false positives at every threshold, added to fp[t] at the end
  let count = 0
  let firstScore = 0
  for (let i = sorted.start[k]; i < sorted.start[k + 1]; i++) {
    if (rank[i] >= cap) continue
    if (count++ === 0) firstScore = score[i]
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
        precision[t * longest + c - 1] = c / (fp[t] + fpAll + c + EPS)
        tpScore[t * longest + c - 1] = score[i]
      } else if (code === FALSE_POSITIVE) fp[t]++
    }
  }
  curves.count = count
  curves.firstScore = firstScore
}

/** Step 3: the interpolated precision at threshold t: from each true positive on, the best precision to its right. */
function envelope(curves: Curves, t: number): void {
  const { precision, longest } = curves
  const off = t * longest
  for (let c = curves.tp[t] - 1; c > 0; c--) {
    if (precision[off + c] > precision[off + c - 1]) precision[off + c - 1] = precision[off + c]
  }
}

/**
 * Step 4: precision and score where each recall threshold r is first reached (the c_r-th true positive at threshold
 * t), written at `first + r * stride`; 0 where it never is.
 */
function readAtRecallThresholds(
  curves: Curves,
  least: Int32Array,
  t: number,
  into: { precision: Float64Array; scores: Float64Array; first: number; stride: number },
): void {
  const { precision, scores, first, stride } = into
  const off = t * curves.longest
  const found = curves.tp[t]
  const none = curves.count === 0
  for (let r = 0; r < least.length; r++) {
    const c = least[r]
    const at = first + r * stride
    if (none || c > found) {
      precision[at] = 0
      scores[at] = 0
    } else if (c === 0) {
      precision[at] = found > 0 ? curves.precision[off] : 0
      scores[at] = curves.firstScore
    } else {
      precision[at] = curves.precision[off + c - 1]
      scores[at] = curves.score[off + c - 1]
    }
  }
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
  const precision = new Float64Array(T * R * K * A * M).fill(-1)
  const recall = new Float64Array(T * K * A * M).fill(-1)
  const scores = new Float64Array(T * R * K * A * M).fill(-1)
  const sorted = sortedSlots(matches, K, A)
  let longest = 0
  for (let k = 0; k < K; k++) longest = Math.max(longest, sorted.start[k + 1] - sorted.start[k])
  const curves: Curves = {
    T,
    longest,
    precision: new Float64Array(T * longest),
    score: new Float64Array(T * longest),
    tp: new Int32Array(T),
    fp: new Int32Array(T),
    count: 0,
    firstScore: 0,
  }
  const least = new Int32Array(R) // c_r
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      const npig = matches.positives[k * A + a]
      if (npig === 0) continue
      leastCounts(params.recallThresholds, npig, least)
      for (let m = 0; m < M; m++) {
        traceCurves(curves, sorted, matches.outcome, { k, a, A, cap: params.maxDets[m] })
        const nd = curves.count
        for (let t = 0; t < T; t++) {
          const found = curves.tp[t]
          recall[((t * K + k) * A + a) * M + m] = nd > 0 ? found / npig : 0
          envelope(curves, t)
          const first = ((t * R * K + k) * A + a) * M + m
          readAtRecallThresholds(curves, least, t, { precision, scores, first, stride: K * A * M })
        }
      }
    }
  }
  return { shape: { T, R, K, A, M }, precision, recall, scores }
}
