import { clipBoxes, decodeDeltas, nms } from "@sniper/boxes"
import type { ProposalSettings } from "./config.ts"

/** Proposals of one chip or image: `count` boxes (x1, y1, x2, y2) in input px with objectness scores, best first. */
export interface Proposals {
  readonly boxes: Float32Array
  readonly scores: Float32Array
  readonly count: number
}

/** Options of {@link selectProposals}; `areaRange` [lo, hi) in px² drops boxes outside a chip's valid range. */
export interface ProposalOptions {
  readonly imageWidth: number
  readonly imageHeight: number
  readonly settings: ProposalSettings
  readonly areaRange?: readonly [number, number] | undefined
}

/** The value of rank `rank` (0 = smallest) of `values` (reordered in place): Hoare quickselect, O(n) expected. */
function selectRank(values: Float32Array, rank: number): number {
  let lo = 0
  let hi = values.length - 1
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]
    let i = lo
    let j = hi
    while (i <= j) {
      while (values[i] < pivot) i++
      while (values[j] > pivot) j--
      if (i <= j) {
        const t = values[i]
        values[i] = values[j]
        values[j] = t
        i++
        j--
      }
    }
    if (rank <= j) hi = j
    else if (rank >= i) lo = i
    else return values[rank]
  }
  return values[rank]
}

/**
 * The `k` best of `candidates` by score, best first, ties by index: what sorting all of them and keeping the
 * first k gives. The k-th best score is found by selection; the comparator sort then sees about k candidates,
 * not every anchor (344k at 2048 px).
 */
export function bestFirst(candidates: ReadonlyArray<number>, scores: Float32Array, k: number): Array<number> {
  const byScore = (a: number, b: number) => scores[b] - scores[a] || a - b
  if (candidates.length <= k) return [...candidates].sort(byScore)
  if (k <= 0) return []
  const values = new Float32Array(candidates.length)
  for (let j = 0; j < candidates.length; j++) values[j] = scores[candidates[j]]
  const kth = selectRank(values, candidates.length - k)
  let above = 0
  for (let j = 0; j < candidates.length; j++) if (scores[candidates[j]] > kth) above++
  // All above the k-th score, then the lowest indices among those equal to it.
  let equal = k - above
  const chosen: Array<number> = []
  for (let j = 0; j < candidates.length; j++) {
    const i = candidates[j]
    if (scores[i] > kth) chosen.push(i)
    else if (scores[i] === kth && equal > 0) {
      chosen.push(i)
      equal--
    }
  }
  return chosen.sort(byScore)
}

/**
 * The proposal layer of one chip: decode every anchor's deltas, clip to the image, drop tiny boxes and boxes
 * outside `areaRange`, keep the preNmsTopK best, greedy NMS, keep the postNmsTopK best.
 */
export function selectProposals(
  anchors: Float32Array,
  head: { readonly scores: Float32Array; readonly deltas: Float32Array },
  options: ProposalOptions,
): Proposals {
  const n = anchors.length / 4
  if (head.scores.length !== n || head.deltas.length !== 4 * n)
    throw new RangeError(
      `Cannot select proposals: expected ${n} scores and ${4 * n} deltas, current lengths are ${head.scores.length} and ${head.deltas.length}`,
    )
  const { settings } = options
  const boxes = clipBoxes(decodeDeltas(anchors, head.deltas), options.imageWidth, options.imageHeight) as Float32Array
  const [lo, hi] = options.areaRange ?? [0, Number.POSITIVE_INFINITY]
  const keep: Array<number> = []
  for (let i = 0; i < n; i++) {
    const w = boxes[4 * i + 2] - boxes[4 * i]
    const h = boxes[4 * i + 3] - boxes[4 * i + 1]
    const tiny =
      settings.tinyRule === "both"
        ? w < settings.minSize && h < settings.minSize
        : w < settings.minSize || h < settings.minSize
    const area = w * h
    if (!tiny && area >= lo && area < hi && Number.isFinite(head.scores[i])) keep.push(i)
  }
  const top = bestFirst(keep, head.scores, settings.preNmsTopK)
  const topBoxes = new Float32Array(4 * top.length)
  const topScores = new Float32Array(top.length)
  top.forEach((i, k) => {
    topBoxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k)
    topScores[k] = head.scores[i]
  })
  const kept = nms(topBoxes, topScores, { iouThreshold: settings.nmsIou, maxOutput: settings.postNmsTopK })
  const count = kept.length
  const outBoxes = new Float32Array(4 * count)
  const outScores = new Float32Array(count)
  kept.forEach((i, k) => {
    outBoxes.set(topBoxes.subarray(4 * i, 4 * i + 4), 4 * k)
    outScores[k] = topScores[i]
  })
  return { boxes: outBoxes, scores: outScores, count }
}
