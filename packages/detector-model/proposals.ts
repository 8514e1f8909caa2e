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
  keep.sort((a, b) => head.scores[b] - head.scores[a] || a - b)
  const top = keep.slice(0, settings.preNmsTopK)
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
