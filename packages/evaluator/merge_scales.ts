/** SNIPER's test-time merge of one image's detections from several scales (SNIPER.md section 6), pure. */
import {
  type BoxArray,
  boxSize,
  inValidRange,
  type NmsOptions,
  nms,
  type SoftNmsOptions,
  sniperSoftNms,
  softNms,
  type ValidRange,
} from "@sniper/boxes"

/** One image's detections at one test scale; boxes xyxy in ORIGINAL image pixels (already divided by the scale). */
export interface ScaleDetections {
  readonly boxes: BoxArray
  readonly scores: ArrayLike<number>
  /** class per box, any integer labels */
  readonly classes: Int32Array
  /** sizes sqrt(w h) this scale is trusted for, original px, -1 = unbounded: kept when lo < size <= hi */
  readonly validRange: ValidRange
}

export interface MergeOptions {
  /** greedy NMS per class with these options instead of Soft-NMS */
  readonly nms?: NmsOptions
  /** Soft-NMS per class; default SNIPER's: Gaussian, sigma 0.55, drop below 0.001, +1 widths */
  readonly softNms?: SoftNmsOptions
  /** detections at or below this score are dropped before merging (default 0.001) */
  readonly scoreThreshold?: number
  /** most detections kept for the image over all classes (default 200) */
  readonly maxPerImage?: number
}

/** Merged detections, score descending (ties: class, then selection order); `scale` is the source scale's index. */
export interface MergedDetections {
  readonly count: number
  readonly boxes: Float64Array
  readonly scores: Float64Array
  readonly classes: Int32Array
  readonly scale: Int32Array
}

/**
 * Keeps each scale's detections whose size is in that scale's valid range and whose score passes the threshold,
 * merges them per class with Soft-NMS (or NMS), then keeps the best `maxPerImage` of the image.
 */
export function mergeScales(scales: ReadonlyArray<ScaleDetections>, options: MergeOptions = {}): MergedDetections {
  const scoreThreshold = options.scoreThreshold ?? 0.001
  const maxPerImage = options.maxPerImage ?? 200
  if (!(maxPerImage >= 0)) {
    throw new RangeError(`Cannot merge scales: maxPerImage must be non-negative, current value is ${maxPerImage}`)
  }
  // candidates grouped by class: (scale, index) pairs
  const byClass = new Map<number, Array<[number, number]>>()
  scales.forEach((s, scale) => {
    const n = s.boxes.length / 4
    if (!Number.isInteger(n) || s.scores.length !== n || s.classes.length !== n) {
      throw new RangeError(
        `Cannot merge scales: scale ${scale} needs 4 box numbers, a score and a class per detection, current value is ${s.boxes.length} box numbers, ${s.scores.length} scores, ${s.classes.length} classes`,
      )
    }
    for (let i = 0; i < n; i++) {
      if (!(s.scores[i] > scoreThreshold)) continue
      if (!inValidRange(boxSize(s.boxes, i), s.validRange, { interval: "(]" })) continue
      const list = byClass.get(s.classes[i]) ?? []
      list.push([scale, i])
      byClass.set(s.classes[i], list)
    }
  })

  const kept: Array<{ cls: number; order: number; score: number; scale: number; index: number }> = []
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(cls)!
    const boxes = new Float64Array(members.length * 4)
    const scores = new Float64Array(members.length)
    members.forEach(([scale, i], j) => {
      for (let c = 0; c < 4; c++) boxes[j * 4 + c] = scales[scale].boxes[i * 4 + c]
      scores[j] = scales[scale].scores[i]
    })
    if (options.nms !== undefined) {
      nms(boxes, scores, options.nms).forEach((j, order) => {
        const [scale, index] = members[j]
        kept.push({ cls, order, score: scores[j], scale, index })
      })
    } else {
      const result = softNms(boxes, scores, options.softNms ?? sniperSoftNms)
      result.keep.forEach((j, order) => {
        const [scale, index] = members[j]
        kept.push({ cls, order, score: result.scores[order], scale, index })
      })
    }
  }
  kept.sort((a, b) => b.score - a.score || a.cls - b.cls || a.order - b.order)
  const count = Math.min(kept.length, maxPerImage)
  const out: MergedDetections = {
    count,
    boxes: new Float64Array(count * 4),
    scores: new Float64Array(count),
    classes: new Int32Array(count),
    scale: new Int32Array(count),
  }
  for (let k = 0; k < count; k++) {
    const { cls, score, scale, index } = kept[k]
    for (let c = 0; c < 4; c++) out.boxes[k * 4 + c] = scales[scale].boxes[index * 4 + c]
    out.scores[k] = score
    out.classes[k] = cls
    out.scale[k] = scale
  }
  return out
}
