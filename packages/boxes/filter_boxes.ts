import { boxCount } from "./_check.ts"
import type { BoxArray, WidthOptions } from "./types.ts"

/**
 * Options of {@link filterBoxes}, all in the boxes' own pixels. `minSide`: both width and height at least this.
 * `minArea` / `maxArea`: the area interval, `[min, max)` by default or `(min, max]` with `areaInterval: "(]"`
 * (SNIPER's test-time rule `lo² < area <= hi²`). Omitted bounds are unbounded.
 */
export interface FilterOptions extends WidthOptions {
  readonly minSide?: number | undefined
  readonly minArea?: number | undefined
  readonly maxArea?: number | undefined
  readonly areaInterval?: "[)" | "(]" | undefined
}

/** Indices (ascending) of the xyxy boxes passing every size test of `options`. */
export function filterBoxes(b: BoxArray, options: FilterOptions): Int32Array {
  const n = boxCount(b)
  const off = options.plusOne ? 1 : 0
  const minSide = options.minSide ?? Number.NEGATIVE_INFINITY
  const minArea = options.minArea ?? Number.NEGATIVE_INFINITY
  const maxArea = options.maxArea ?? Number.POSITIVE_INFINITY
  const openBelow = options.areaInterval === "(]"
  for (const [name, v] of [
    ["minSide", minSide],
    ["minArea", minArea],
    ["maxArea", maxArea],
  ] as const) {
    if (Number.isNaN(v)) throw new RangeError(`Cannot filter boxes: ${name} must be a number, current value is NaN`)
  }
  const keep = new Int32Array(n)
  let kept = 0
  for (let i = 0, k = 0; i < n; i++, k += 4) {
    const w = b[k + 2] - b[k] + off
    const h = b[k + 3] - b[k + 1] + off
    if (!(w >= minSide && h >= minSide)) continue
    const area = w > 0 && h > 0 ? w * h : 0
    const inside = openBelow ? area > minArea && area <= maxArea : area >= minArea && area < maxArea
    if (inside) keep[kept++] = i
  }
  return keep.slice(0, kept)
}
