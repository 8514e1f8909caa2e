/** pycocotools' `evaluate()`: greedy matching of detections to ground truth per image, category and area range. */
import { cocoIouMatrix } from "@sniper/boxes"
import type { EvalDetections, EvalGroundTruth } from "./inputs.ts"
import type { CocoParams } from "./params.ts"

/** Outcome codes of a detection at one (area range, IoU threshold). */
export const IGNORED = 0
export const TRUE_POSITIVE = 1
export const FALSE_POSITIVE = 2
/** `uniform` value when a detection's outcome differs between IoU thresholds. */
export const MIXED = 3

/**
 * The kept detections (the best `max(maxDets)` per image and category) in pycocotools' concatenation order:
 * image id ascending, then category, then score descending with file order on ties. One "slot" a kept detection.
 */
export interface Matches {
  readonly count: number
  /** row in the detections input, per slot */
  readonly detection: Int32Array
  /** contiguous category, per slot */
  readonly category: Int32Array
  /** 0-based rank within its image and category, per slot */
  readonly rank: Int32Array
  readonly score: Float64Array
  /** outcome code per slot, area range and IoU threshold at [(slot * A + a) * T + t]; written at least wherever
   * `uniform` is TRUE_POSITIVE or MIXED (a FALSE_POSITIVE or IGNORED `uniform` holds for every threshold) */
  readonly outcome: Uint8Array
  /** per slot and area range at [slot * A + a]: the code shared by all T thresholds, or MIXED */
  readonly uniform: Uint8Array
  /** non-ignored ground truth per category and area range, at [k * A + a] */
  readonly positives: Int32Array
}

/** Rows grouped by key: group k holds rows[start[k]] .. rows[start[k + 1] - 1]. */
interface Grouped {
  readonly start: Int32Array
  readonly rows: Int32Array
}

/**
 * Ground truth and detections grouped by (image in id order, category): group g = image rank * K + category.
 * Detections are sorted by score within a group; `kept` counts at most maxDet of them a group.
 */
interface Groups {
  readonly count: number
  readonly gt: Grouped
  readonly dt: Grouped
  readonly kept: number
  /** the largest group of ground truth, and of kept detections (sizes of the scratch arrays) */
  readonly maxGt: number
  readonly maxDt: number
}

/** Ranks of values ascending (ties by position): rank[i] is where row i goes. */
function ranks(values: Float64Array): Int32Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b)
  const rank = new Int32Array(values.length)
  for (let r = 0; r < order.length; r++) rank[order[r]] = r
  return rank
}

/** Stable counting sort of rows by key in [0, keyCount): returns { start (keyCount + 1 offsets), rows }. */
function groupRows(key: Int32Array, keyCount: number): Grouped {
  const start = new Int32Array(keyCount + 1)
  for (let i = 0; i < key.length; i++) start[key[i] + 1]++
  for (let k = 0; k < keyCount; k++) start[k + 1] += start[k]
  const next = start.slice(0, keyCount)
  const rows = new Int32Array(key.length)
  for (let i = 0; i < key.length; i++) rows[next[key[i]]++] = i
  return { start, rows }
}

/** Sorts rows[from, to) by score descending, stable (the rows arrive in file order). */
function sortByScore(rows: Int32Array, from: number, to: number, score: Float64Array): void {
  if (to - from > 32) {
    rows.subarray(from, to).sort((a, b) => score[b] - score[a] || a - b)
    return
  }
  for (let i = from + 1; i < to; i++) {
    const row = rows[i]
    const s = score[row]
    let j = i - 1
    while (j >= from && score[rows[j]] < s) {
      rows[j + 1] = rows[j]
      j--
    }
    rows[j + 1] = row
  }
}

/** Step 1: group both sides by image and category, sort each detection group by score, count what is kept. */
function groupByImageAndCategory(gt: EvalGroundTruth, dt: EvalDetections, maxDet: number): Groups {
  const K = gt.categories.count
  const ann = gt.annotations
  const imageRank = ranks(gt.images.id)
  const count = gt.images.count * K
  const gtKey = new Int32Array(ann.count)
  for (let i = 0; i < ann.count; i++) gtKey[i] = imageRank[ann.image[i]] * K + ann.category[i]
  const dtKey = new Int32Array(dt.count)
  for (let i = 0; i < dt.count; i++) dtKey[i] = imageRank[dt.image[i]] * K + dt.category[i]
  const gtGroups = groupRows(gtKey, count)
  const dtGroups = groupRows(dtKey, count)
  let kept = 0
  let maxGt = 0
  let maxDt = 0
  for (let g = 0; g < count; g++) {
    const from = dtGroups.start[g]
    const to = dtGroups.start[g + 1]
    if (to - from > 1) sortByScore(dtGroups.rows, from, to, dt.score)
    const n = Math.min(to - from, maxDet)
    kept += n
    maxDt = Math.max(maxDt, n)
    maxGt = Math.max(maxGt, gtGroups.start[g + 1] - gtGroups.start[g])
  }
  return { count, gt: gtGroups, dt: dtGroups, kept, maxGt, maxDt }
}

/**
 * Step 4a: pycocotools' ground-truth order for area range [lo, hi]: the group's rows [from, from + G) that are
 * regular (not crowd, `area` in range) first, then the ignored ones, stable, as positions into `order`. Returns
 * how many are regular. (Positional arguments: it runs once per group and area range.)
 */
function orderGroundTruth(
  order: Int32Array,
  crowd: Uint8Array,
  area: Float64Array,
  from: number,
  G: number,
  lo: number,
  hi: number,
): number {
  let regular = 0
  for (let j = 0; j < G; j++) {
    if (crowd[from + j] === 0 && area[from + j] >= lo && area[from + j] <= hi) order[regular++] = j
  }
  let n = regular
  for (let j = 0; j < G; j++) {
    if (!(crowd[from + j] === 0 && area[from + j] >= lo && area[from + j] <= hi)) order[n++] = j
  }
  return regular
}

/**
 * The ground truth a detection may match: the group's rows [from, from + count) (crowd flags in group order),
 * ordered for one area range with the `regular` ones first, and which are taken at each threshold. One object,
 * moved from group to group and range to range.
 */
interface Candidates {
  readonly order: Int32Array
  readonly taken: Uint8Array
  readonly crowd: Uint8Array
  readonly thresholds: Float64Array
  from: number
  count: number
  regular: number
}

/**
 * Step 4b: detection d's outcome at every threshold, by pycocotools' greedy choice: the last-best IoU >= the
 * threshold among ground truth not yet taken at that threshold (crowd may be taken again), stopping at the ignored
 * ones once a regular one matched; the match is then taken. `best` is d's best IoU over the group. Writes the codes
 * at `outcome[at ..]` and returns the code shared by all thresholds, or MIXED. (Positional arguments: it runs
 * once per overlapping detection and area range.)
 */
function matchAtThresholds(
  iou: Float64Array,
  d: number,
  c: Candidates,
  best: number,
  unmatched: number,
  outcome: Uint8Array,
  at: number,
): number {
  const { order, taken, crowd, thresholds, from, count: G, regular } = c
  const base = d * G
  let same = -1
  for (let t = 0; t < thresholds.length; t++) {
    let m = -1
    if (best >= thresholds[t]) {
      let found = thresholds[t]
      const takenRow = t * G
      for (let p = 0; p < G; p++) {
        const j = order[p]
        if (taken[takenRow + p] !== 0 && crowd[from + j] === 0) continue
        // matched to a regular ground truth: the ignored ones (after it) cannot replace it
        if (m > -1 && m < regular && p >= regular) break
        const v = iou[base + j]
        if (v < found) continue
        found = v
        m = p
      }
      if (m !== -1) taken[takenRow + m] = 1
    }
    const code = m === -1 ? unmatched : m < regular ? TRUE_POSITIVE : IGNORED
    outcome[at + t] = code
    if (t === 0) same = code
    else if (code !== same) same = MIXED
  }
  return same
}

/** Step 3: each detection's best IoU over the group's ground truth (row d of the D x G matrix). */
function bestIou(iou: Float64Array, D: number, G: number, out: Float64Array): void {
  for (let d = 0; d < D; d++) {
    let best = 0
    for (let j = 0; j < G; j++) best = Math.max(best, iou[d * G + j])
    out[d] = best
  }
}

/** Empty outputs for `kept` slots. */
function emptyMatches(kept: number, K: number, A: number, T: number): Matches {
  return {
    count: kept,
    detection: new Int32Array(kept),
    category: new Int32Array(kept),
    rank: new Int32Array(kept),
    score: new Float64Array(kept),
    outcome: new Uint8Array(kept * A * T),
    uniform: new Uint8Array(kept * A),
    positives: new Int32Array(K * A),
  }
}

/**
 * Runs the matching for every (image, category) pair that has ground truth or detections: step 1 groups, then per
 * group its slots, IoU (step 3) and, per area range, the ground-truth order (4a) and each detection's matches (4b).
 * The layout stays in this function: moved out, V8 compiled the group loop about 20% slower (bench.ts).
 */
export function matchDetections(gt: EvalGroundTruth, dt: EvalDetections, params: CocoParams): Matches {
  const K = gt.categories.count
  const A = params.areaRanges.length
  const T = params.iouThresholds.length
  const maxDet = Math.max(...params.maxDets)
  const ann = gt.annotations
  const groups = groupByImageAndCategory(gt, dt, maxDet)
  const { gt: gtGroups, dt: dtGroups, kept, maxGt, maxDt } = groups
  const groupCount = groups.count
  const out = emptyMatches(kept, K, A, T)
  const { detection, category, rank, score, outcome, uniform, positives } = out

  // step 2: boxes, crowd flags and areas laid out in group order, so a group's boxes are one subarray for
  // cocoIouMatrix (pycocotools' bbIou arithmetic on xywh, crowd as intersection over the detection's area)
  const gtBoxes = boxesInOrder(ann.bbox, gtGroups.rows, ann.count)
  const gtCrowd = new Uint8Array(ann.count)
  const gtArea = new Float64Array(ann.count)
  for (let i = 0; i < ann.count; i++) {
    gtCrowd[i] = ann.iscrowd[gtGroups.rows[i]]
    gtArea[i] = ann.area[gtGroups.rows[i]]
  }
  const dtBoxes = boxesInOrder(dt.bbox, dtGroups.rows, dt.count)
  let iou: Float64Array<ArrayBufferLike> = new Float64Array(0) // kept when a group lacks a side: allocating costs
  const order = new Int32Array(maxGt) // ground truth in pycocotools' order: not ignored first, stable
  const taken = new Uint8Array(maxGt * T) // per threshold: ground truth already matched
  const thresholds = params.iouThresholds.map((t) => Math.min(t, 1 - 1e-10))
  const areaLo = Float64Array.from(params.areaRanges, ([lo]) => lo)
  const areaHi = Float64Array.from(params.areaRanges, ([, hi]) => hi)
  const dtArea = new Float64Array(maxDt)
  const dtBest = new Float64Array(maxDt) // best IoU of a detection over the group's ground truth

  const c: Candidates = { order, taken, crowd: gtCrowd, thresholds, from: 0, count: 0, regular: 0 }
  let slot = 0
  for (let g = 0; g < groupCount; g++) {
    const gtFrom = gtGroups.start[g]
    const G = gtGroups.start[g + 1] - gtFrom
    const dtFrom = dtGroups.start[g]
    const D = Math.min(dtGroups.start[g + 1] - dtFrom, maxDet)
    if (G === 0 && D === 0) continue
    const k = g % K
    c.from = gtFrom
    c.count = G
    // the group's kept detections take the next D slots
    for (let d = 0; d < D; d++) {
      const row = dtGroups.rows[dtFrom + d]
      detection[slot + d] = row
      category[slot + d] = k
      rank[slot + d] = d
      score[slot + d] = dt.score[row]
      dtArea[d] = dt.bbox[row * 4 + 2] * dt.bbox[row * 4 + 3]
    }
    if (G > 0 && D > 0) {
      iou = cocoIouMatrix(
        dtBoxes.subarray(dtFrom * 4, (dtFrom + D) * 4),
        gtBoxes.subarray(gtFrom * 4, (gtFrom + G) * 4),
        gtCrowd.subarray(gtFrom, gtFrom + G),
      )
    }
    bestIou(iou, D, G, dtBest)
    for (let a = 0; a < A; a++) {
      const lo = areaLo[a]
      const hi = areaHi[a]
      const regular = orderGroundTruth(order, gtCrowd, gtArea, gtFrom, G, lo, hi)
      c.regular = regular
      positives[k * A + a] += regular
      taken.fill(0, 0, G * T)
      for (let d = 0; d < D; d++) {
        const at = (slot + d) * A + a
        const unmatched = dtArea[d] < lo || dtArea[d] > hi ? IGNORED : FALSE_POSITIVE
        if (dtBest[d] < thresholds[0]) {
          // overlaps nothing enough at any threshold: the common case, decided without the scan (outside the
          // range, an unmatched detection is ignored)
          uniform[at] = unmatched
          continue
        }
        uniform[at] = matchAtThresholds(iou, d, c, dtBest[d], unmatched, outcome, at * T)
      }
    }
    slot += D
  }
  return out
}

/** The first `count` boxes of `rows`, 4 numbers each, copied from `bbox` in that order. */
function boxesInOrder(bbox: Float64Array, rows: ArrayLike<number>, count: number): Float64Array {
  const out = new Float64Array(count * 4)
  for (let i = 0; i < count; i++) {
    const from = rows[i] * 4
    for (let k = 0; k < 4; k++) out[i * 4 + k] = bbox[from + k]
  }
  return out
}
