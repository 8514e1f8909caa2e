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
  /** outcome code per slot, area range and IoU threshold at [(slot * A + a) * T + t]; written only where
   * `uniform` is MIXED (elsewhere the code is `uniform`'s) */
  readonly outcome: Uint8Array
  /** per slot and area range at [slot * A + a]: the code shared by all T thresholds, or MIXED */
  readonly uniform: Uint8Array
  /** non-ignored ground truth per category and area range, at [k * A + a] */
  readonly positives: Int32Array
}

/** Ranks of values ascending (ties by position): rank[i] is where row i goes. */
function ranks(values: Float64Array): Int32Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b)
  const rank = new Int32Array(values.length)
  for (let r = 0; r < order.length; r++) rank[order[r]] = r
  return rank
}

/** Stable counting sort of rows by key in [0, keyCount): returns { start (keyCount + 1 offsets), rows }. */
function groupRows(key: Int32Array, keyCount: number): { start: Int32Array; rows: Int32Array } {
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

/** Runs the matching for every (image, category) pair that has ground truth or detections. */
export function matchDetections(gt: EvalGroundTruth, dt: EvalDetections, params: CocoParams): Matches {
  const K = gt.categories.count
  const A = params.areaRanges.length
  const T = params.iouThresholds.length
  const maxDet = Math.max(...params.maxDets)
  const ann = gt.annotations
  const imageRank = ranks(gt.images.id)
  const groupCount = gt.images.count * K

  const gtKey = new Int32Array(ann.count)
  for (let i = 0; i < ann.count; i++) gtKey[i] = imageRank[ann.image[i]] * K + ann.category[i]
  const gtGroups = groupRows(gtKey, groupCount)
  const dtKey = new Int32Array(dt.count)
  for (let i = 0; i < dt.count; i++) dtKey[i] = imageRank[dt.image[i]] * K + dt.category[i]
  const dtGroups = groupRows(dtKey, groupCount)

  // Sort each group by score and count the kept detections.
  let kept = 0
  let maxGt = 0
  let maxDt = 0
  for (let g = 0; g < groupCount; g++) {
    const from = dtGroups.start[g]
    const to = dtGroups.start[g + 1]
    if (to - from > 1) sortByScore(dtGroups.rows, from, to, dt.score)
    const n = Math.min(to - from, maxDet)
    kept += n
    if (n > maxDt) maxDt = n
    const gn = gtGroups.start[g + 1] - gtGroups.start[g]
    if (gn > maxGt) maxGt = gn
  }

  const detection = new Int32Array(kept)
  const category = new Int32Array(kept)
  const rank = new Int32Array(kept)
  const score = new Float64Array(kept)
  const outcome = new Uint8Array(kept * A * T)
  const uniform = new Uint8Array(kept * A)
  const positives = new Int32Array(K * A)

  // boxes and crowd flags laid out in group order, so a group's boxes are one subarray for cocoIouMatrix
  // (pycocotools' bbIou arithmetic on xywh, crowd as intersection over the detection's area)
  const gtBoxes = boxesInOrder(ann.bbox, gtGroups.rows, ann.count)
  const gtCrowd = new Uint8Array(ann.count)
  for (let i = 0; i < ann.count; i++) gtCrowd[i] = ann.iscrowd[gtGroups.rows[i]]
  const dtBoxes = boxesInOrder(dt.bbox, dtGroups.rows, dt.count)
  let iou: Float64Array<ArrayBufferLike> = new Float64Array(0)
  const order = new Int32Array(maxGt) // ground truth in pycocotools' order: not ignored first, stable
  const taken = new Uint8Array(maxGt * T) // per threshold: ground truth already matched
  const thresholds = params.iouThresholds.map((t) => Math.min(t, 1 - 1e-10))
  const areaLo = Float64Array.from(params.areaRanges, ([lo]) => lo)
  const areaHi = Float64Array.from(params.areaRanges, ([, hi]) => hi)
  const dtArea = new Float64Array(maxDt)
  const dtBest = new Float64Array(maxDt) // best IoU of a detection over the group's ground truth

  let slot = 0
  for (let g = 0; g < groupCount; g++) {
    const gtFrom = gtGroups.start[g]
    const G = gtGroups.start[g + 1] - gtFrom
    const dtFrom = dtGroups.start[g]
    const D = Math.min(dtGroups.start[g + 1] - dtFrom, maxDet)
    if (G === 0 && D === 0) continue
    const k = g % K
    const gtRows = gtGroups.rows // this group's rows start at gtFrom
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
    for (let d = 0; d < D; d++) {
      let best = 0
      for (let j = 0; j < G; j++) best = Math.max(best, iou[d * G + j])
      dtBest[d] = best
    }
    for (let a = 0; a < A; a++) {
      const lo = areaLo[a]
      const hi = areaHi[a]
      let regular = 0
      for (let j = 0; j < G; j++) {
        const row = gtRows[gtFrom + j]
        if (ann.iscrowd[row] === 0 && ann.area[row] >= lo && ann.area[row] <= hi) order[regular++] = j
      }
      let n = regular
      for (let j = 0; j < G; j++) {
        const row = gtRows[gtFrom + j]
        if (!(ann.iscrowd[row] === 0 && ann.area[row] >= lo && ann.area[row] <= hi)) order[n++] = j
      }
      positives[k * A + a] += regular
      taken.fill(0, 0, G * T)
      for (let d = 0; d < D; d++) {
        const at = (slot + d) * A + a
        const unmatched = dtArea[d] < lo || dtArea[d] > hi ? IGNORED : FALSE_POSITIVE
        if (dtBest[d] < thresholds[0]) {
          // overlaps nothing enough at any threshold: the common case, decided without the scan
          uniform[at] = unmatched
          continue
        }
        let first = -1
        for (let t = 0; t < T; t++) {
          let code = unmatched
          if (dtBest[d] >= thresholds[t]) {
            let best = thresholds[t]
            let m = -1
            const base = d * G
            const takenRow = t * G
            for (let p = 0; p < G; p++) {
              const j = order[p]
              if (taken[takenRow + p] !== 0 && gtCrowd[gtFrom + j] === 0) continue
              // matched to a regular ground truth: the ignored ones (after it) cannot replace it
              if (m > -1 && m < regular && p >= regular) break
              const v = iou[base + j]
              if (v < best) continue
              best = v
              m = p
            }
            if (m !== -1) {
              taken[takenRow + m] = 1
              code = m < regular ? TRUE_POSITIVE : IGNORED
            }
          }
          outcome[at * T + t] = code
          if (t === 0) first = code
          else if (code !== first) first = MIXED
        }
        uniform[at] = first
      }
    }
    slot += D
  }
  return { count: kept, detection, category, rank, score, outcome, uniform, positives }
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
