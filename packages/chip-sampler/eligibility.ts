import { boxSizes, inValidRange, type ValidRange } from "@sniper/boxes"
import type { ChipConfig } from "./config.ts"

/** w, h (the reference truncates them to integers), size sqrt(w h) and max(w, h) of each box, original px. */
export interface BoxMeasures {
  readonly width: Float64Array
  readonly height: Float64Array
  readonly size: Float64Array
}

/** Measures boxes; `truncate` as the reference: w = x2 - x1 and h as integers (`astype(np.int32)`). */
export function measureBoxes(boxes: Float64Array, options: { readonly truncate: boolean }): BoxMeasures {
  const n = boxes.length >> 2
  const { truncate } = options
  const width = new Float64Array(n)
  const height = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    const w = boxes[4 * j + 2] - boxes[4 * j]
    const h = boxes[4 * j + 3] - boxes[4 * j + 1]
    width[j] = truncate ? Math.trunc(w) : w
    height[j] = truncate ? Math.trunc(h) : h
  }
  return { width, height, size: boxSizes(boxes, { truncate }) }
}

/** Which rule: `chips` picks the boxes positive chips must cover; `assign` the boxes validity and negatives use. */
export type EligibilityRule = "chips" | "assign"

/** What eligibility at one scale needs: the config, the scale index and (C - d - 1) / s. */
export interface EligibilityContext {
  readonly config: ChipConfig
  readonly scaleIndex: number
  readonly fitLimit: number
  readonly rule: EligibilityRule
}

/**
 * Marks `out[j] = 1` for each box `j` in [0, count) eligible at the context's scale (docs/sniper.md section 2)
 * and returns how many; one of `referenceEligible`, `paperEligible`. `fitLimit` = (C - d - 1) / s: a box whose
 * longer side reaches it may not fit any chip of the grid, so it is never eligible below the coarsest scale.
 * -1 is unbounded at either end (the reference would treat hi = -1 below the coarsest as empty; its configs have none).
 */
export type Eligibility = (m: BoxMeasures, count: number, context: EligibilityContext, out: Uint8Array) => number

/**
 * The reference's rules. `chips`: coarsest size >= lo; finest size < hi, fits, w, h >= 2; middle lo <= size < hi,
 * fits. `assign`: coarsest size >= lo; others size < hi, fits, w, h >= 2 (no lower bound: the code's quirk).
 */
export function referenceEligible(m: BoxMeasures, count: number, context: EligibilityContext, out: Uint8Array): number {
  const { config, fitLimit, rule, scaleIndex: i } = context
  const [lo, hi] = config.validRanges[i]
  const last = i === config.validRanges.length - 1
  const noLowerBound = rule === "assign" || i === 0
  const range: ValidRange = last ? [lo, -1] : noLowerBound ? [-1, hi] : [lo, hi]
  let marked = 0
  for (let j = 0; j < count; j++) {
    const w = m.width[j]
    const h = m.height[j]
    const ok =
      inValidRange(m.size[j], range) && (last || (Math.max(w, h) < fitLimit && (!noLowerBound || (w >= 2 && h >= 2))))
    out[j] = ok ? 1 : 0
    if (ok) marked++
  }
  return marked
}

/** The paper's rule, the same for both uses: lo <= size < hi everywhere, fits below the coarsest, w, h >= 2 at the finest. */
export function paperEligible(m: BoxMeasures, count: number, context: EligibilityContext, out: Uint8Array): number {
  const { config, fitLimit, scaleIndex: i } = context
  const range = config.validRanges[i]
  const last = i === config.validRanges.length - 1
  const finest = i === 0 && !last
  let marked = 0
  for (let j = 0; j < count; j++) {
    const w = m.width[j]
    const h = m.height[j]
    const ok = inValidRange(m.size[j], range) && (last || Math.max(w, h) < fitLimit) && (!finest || (w >= 2 && h >= 2))
    out[j] = ok ? 1 : 0
    if (ok) marked++
  }
  return marked
}
