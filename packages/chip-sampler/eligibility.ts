import { boxSizes, inValidRange } from "@sniper/boxes"
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

/**
 * Whether box `j` is eligible at scale `i` (SNIPER.md section 2). `fitLimit` = (C - d - 1) / s: a box whose
 * longer side reaches it may not fit any chip of the grid, so it is never eligible at a non-coarsest scale.
 * Reference, `chips`: coarsest size >= lo; finest size < hi, fits, w, h >= 2; middle lo <= size < hi, fits.
 * Reference, `assign`: coarsest size >= lo; others size < hi, fits, w, h >= 2 (no lower bound: the code's quirk).
 * Paper (both rules): lo <= size < hi everywhere, fits below the coarsest, w, h >= 2 at the finest.
 * -1 is unbounded at either end (the reference config has no bounded-by--1 case the code would treat otherwise).
 */
export function isEligible(
  m: BoxMeasures,
  j: number,
  i: number,
  context: { readonly config: ChipConfig; readonly fitLimit: number; readonly rule: EligibilityRule },
): boolean {
  const { config, fitLimit, rule } = context
  const last = i === config.validRanges.length - 1
  const [lo, hi] = config.validRanges[i]
  const size = m.size[j]
  const w = m.width[j]
  const h = m.height[j]
  const fits = Math.max(w, h) < fitLimit
  if (config.mode === "paper") {
    return inValidRange(size, [lo, hi]) && (last || fits) && (i !== 0 || last || (w >= 2 && h >= 2))
  }
  if (last) return inValidRange(size, [lo, -1])
  if (rule === "assign" || i === 0) return inValidRange(size, [-1, hi]) && fits && w >= 2 && h >= 2
  return inValidRange(size, [lo, hi]) && fits
}
