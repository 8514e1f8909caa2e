import { nms } from "@sniper/boxes"

/** Proposals of one image: `count` boxes (x1, y1, x2, y2) in original px and objectness in [0, 1], best first. */
export interface ImageProposals {
  readonly boxes: Float64Array
  readonly scores: Float64Array
  readonly count: number
}

/** Options of {@link mergeScales}: the NMS IoU over the stacked scales (SNIPER: 0.7) and an optional cap. */
export interface MergeOptions {
  readonly iouThreshold: number
  readonly maxPerImage?: number | undefined
}

/**
 * Stacks the proposals of an image's test scales (each already in original px) and runs NMS again
 * (SNIPER.md section 3 step 2); at most `maxPerImage` survive, best first (ties by scale order, then rank).
 */
export function mergeScales(scales: ReadonlyArray<ImageProposals>, options: MergeOptions): ImageProposals {
  const max = options.maxPerImage
  if (max !== undefined && !(Number.isInteger(max) && max >= 0))
    throw new RangeError(`Cannot merge proposals: maxPerImage must be a non-negative integer, current value is ${max}`)
  const total = scales.reduce((n, s) => n + s.count, 0)
  const boxes = new Float64Array(4 * total)
  const scores = new Float64Array(total)
  let at = 0
  for (const s of scales) {
    boxes.set(s.boxes.subarray(0, 4 * s.count), 4 * at)
    scores.set(s.scores.subarray(0, s.count), at)
    at += s.count
  }
  const keep = nms(boxes, scores, { iouThreshold: options.iouThreshold, maxOutput: max })
  const out = { boxes: new Float64Array(4 * keep.length), scores: new Float64Array(keep.length), count: keep.length }
  keep.forEach((i, k) => {
    out.boxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k)
    out.scores[k] = scores[i]
  })
  return out
}
