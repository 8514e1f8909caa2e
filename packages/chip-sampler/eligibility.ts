import { boxSizes, inValidRange, type ValidRange } from "@sniper/boxes"
import type { ChipConfig } from "./types.ts"

/** w, h (the reference truncates them to integers), size sqrt(w h) and max(w, h) of each box, original px. */
export interface BoxMeasures {
  readonly width: Float64Array
  readonly height: Float64Array
  readonly size: Float64Array
}

/** Measures boxes as `mode` does: reference truncates w = x2 - x1 and h to integers (`astype(np.int32)`). */
export function measureBoxes(boxes: Float64Array, mode: ChipConfig["mode"]): BoxMeasures {
  const n = boxes.length >> 2
  const truncate = mode === "reference"
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
 * Marks `out[j] = 1` for each box `j` in [0, count) eligible at the context's scale (SNIPER.md section 2) and
 * returns how many. `fitLimit` = (C - d - 1) / s: a box whose longer side reaches it may not fit any chip of the
 * grid, so it is never eligible below the coarsest scale.
 * Reference, `chips`: coarsest size >= lo; finest size < hi, fits, w, h >= 2; middle lo <= size < hi, fits.
 * Reference, `assign`: coarsest size >= lo; others size < hi, fits, w, h >= 2 (no lower bound: the code's quirk).
 * Paper (both rules): lo <= size < hi everywhere, fits below the coarsest, w, h >= 2 at the finest.
 * -1 is unbounded at either end (the reference would treat hi = -1 below the coarsest as empty; its configs have none).
 */
export function markEligible(m: BoxMeasures, count: number, context: EligibilityContext, out: Uint8Array): number {
  const { config, fitLimit, rule, scaleIndex: i } = context
  const last = i === config.validRanges.length - 1
  const full = config.validRanges[i]
  const [lo, hi] = full
  const above: ValidRange = [lo, -1]
  const below: ValidRange = [-1, hi]
  const paper = config.mode === "paper"
  const noLowerBound = rule === "assign" || i === 0
  let marked = 0
  for (let j = 0; j < count; j++) {
    const size = m.size[j]
    const w = m.width[j]
    const h = m.height[j]
    const fits = Math.max(w, h) < fitLimit
    let ok: boolean
    if (paper) ok = inValidRange(size, full) && (last || fits) && (i !== 0 || last || (w >= 2 && h >= 2))
    else if (last) ok = inValidRange(size, above)
    else if (noLowerBound) ok = inValidRange(size, below) && fits && w >= 2 && h >= 2
    else ok = inValidRange(size, full) && fits
    out[j] = ok ? 1 : 0
    if (ok) marked++
  }
  return marked
}
