/** SNIPER's merge of one image's detections (or proposals) from several test scales, pure. */
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

/** One image's detections at one test scale; boxes xyxy in ORIGINAL image px (already mapped back). */
export interface ScaleDetections {
  readonly boxes: BoxArray
  readonly scores: ArrayLike<number>
  /** Category per box (any integer labels); left out, every box is one category (proposals). */
  readonly categories?: Int32Array | undefined
  /** Sizes sqrt(w h) in original px this scale is trusted for, kept when lo < size <= hi (-1 = unbounded);
   * left out, every size. */
  readonly validRange?: ValidRange | undefined
}

/** Options of {@link mergeScales}; the defaults are SNIPER's detection merge (docs/sniper.md section 6). */
export interface MergeOptions {
  /** Greedy NMS per category with these options instead of Soft-NMS. */
  readonly nms?: NmsOptions | undefined
  /** Soft-NMS per category; default SNIPER's: Gaussian, sigma 0.55, drop below 0.001, +1 widths. */
  readonly softNms?: SoftNmsOptions | undefined
  /** Detections at or below this score are dropped before merging (default 0.001; -Infinity keeps all). */
  readonly scoreThreshold?: number | undefined
  /** Most detections kept for the image over all categories (default 200; Infinity keeps all). */
  readonly maxPerImage?: number | undefined
}

/** The proposals' merge (docs/sniper.md section 3 step 2): one category, every size, no score threshold, the
 * stacked scales through greedy NMS at IoU 0.7, all survivors kept. */
export const proposalMerge: MergeOptions = {
  nms: { iouThreshold: 0.7 },
  scoreThreshold: Number.NEGATIVE_INFINITY,
  maxPerImage: Number.POSITIVE_INFINITY,
}

/**
 * One image's merged detections: `count` boxes xyxy in original px, their scores (decayed by Soft-NMS), category
 * and source scale index; best first (ties: category, then selection order within it).
 */
export interface ImageDetections {
  readonly count: number
  readonly boxes: Float64Array
  readonly scores: Float64Array
  readonly categories: Int32Array
  readonly scale: Int32Array
}

/**
 * Keeps each scale's detections whose size is in that scale's valid range and whose score passes the threshold,
 * merges them per category with Soft-NMS (or NMS), then keeps the best `maxPerImage` of the image.
 */
export function mergeScales(scales: ReadonlyArray<ScaleDetections>, options: MergeOptions = {}): ImageDetections {
  const scoreThreshold = options.scoreThreshold ?? 0.001
  const maxPerImage = options.maxPerImage ?? 200
  if (!(maxPerImage >= 0 && (Number.isInteger(maxPerImage) || maxPerImage === Number.POSITIVE_INFINITY))) {
    throw new RangeError(
      `Cannot merge scales: maxPerImage must be a non-negative integer, current value is ${maxPerImage}`,
    )
  }
  // candidates grouped by category: (scale, index) pairs in scale order, then index order
  const byCategory = new Map<number, Array<[number, number]>>()
  scales.forEach((s, scale) => {
    const n = s.boxes.length / 4
    if (!Number.isInteger(n) || s.scores.length !== n || (s.categories !== undefined && s.categories.length !== n)) {
      throw new RangeError(
        `Cannot merge scales: scale ${scale} needs 4 box numbers, a score and a category per detection, current value is ${s.boxes.length} box numbers, ${s.scores.length} scores, ${s.categories?.length ?? n} categories`,
      )
    }
    for (let i = 0; i < n; i++) {
      if (!(s.scores[i] > scoreThreshold)) continue
      if (s.validRange !== undefined && !inValidRange(boxSize(s.boxes, i), s.validRange, { interval: "(]" })) continue
      const category = s.categories?.[i] ?? 0
      const list = byCategory.get(category) ?? []
      list.push([scale, i])
      byCategory.set(category, list)
    }
  })

  const kept: Array<{ category: number; order: number; score: number; scale: number; index: number }> = []
  for (const category of [...byCategory.keys()].sort((a, b) => a - b)) {
    const members = byCategory.get(category)!
    const boxes = new Float64Array(members.length * 4)
    const scores = new Float64Array(members.length)
    members.forEach(([scale, i], j) => {
      for (let c = 0; c < 4; c++) boxes[j * 4 + c] = scales[scale].boxes[i * 4 + c]
      scores[j] = scales[scale].scores[i]
    })
    if (options.nms !== undefined) {
      nms(boxes, scores, options.nms).forEach((j, order) => {
        const [scale, index] = members[j]
        kept.push({ category, order, score: scores[j], scale, index })
      })
    } else {
      const result = softNms(boxes, scores, options.softNms ?? sniperSoftNms)
      result.keep.forEach((j, order) => {
        const [scale, index] = members[j]
        kept.push({ category, order, score: result.scores[order], scale, index })
      })
    }
  }
  kept.sort((a, b) => b.score - a.score || a.category - b.category || a.order - b.order)
  const count = Math.min(kept.length, maxPerImage)
  const out: ImageDetections = {
    count,
    boxes: new Float64Array(count * 4),
    scores: new Float64Array(count),
    categories: new Int32Array(count),
    scale: new Int32Array(count),
  }
  for (let k = 0; k < count; k++) {
    const { category, score, scale, index } = kept[k]
    for (let c = 0; c < 4; c++) out.boxes[k * 4 + c] = scales[scale].boxes[index * 4 + c]
    out.scores[k] = score
    out.categories[k] = category
    out.scale[k] = scale
  }
  return out
}
