import { intersectionOverArea } from "@sniper/boxes"
import type { ChipConfig } from "./config.ts"

/**
 * The reference's box-to-chip assignment (docs/sniper.md section 2; `box_assigner`): each box goes to the chip of its
 * scale covering the largest fraction of it (+1 widths, the first chip on ties), accepted when the intersection
 * spans >= 1 px each way (no +1) and its size is <= hi (`positive`) / < hi (`negative`) below the coarsest scale,
 * >= lo at the coarsest. Boxes and chips in original px. Writes `out[boxIds[r]] = first + chip` for accepted
 * boxes and returns how many each chip took.
 */
export function assignBoxes(
  boxes: Float64Array,
  chips: Float64Array,
  options: {
    readonly boxIds: ArrayLike<number>
    readonly bound: "positive" | "negative"
    readonly config: ChipConfig
    readonly scaleIndex: number
    readonly out: Int32Array
    readonly first: number
  },
): Int32Array {
  const n = chips.length >> 2
  const counts = new Int32Array(n)
  const { boxIds, bound, config, scaleIndex, out, first } = options
  if (n === 0 || boxIds.length === 0) return counts
  const picked = new Float64Array(4 * boxIds.length)
  for (let r = 0; r < boxIds.length; r++) for (let t = 0; t < 4; t++) picked[4 * r + t] = boxes[4 * boxIds[r] + t]
  const overlap = intersectionOverArea(picked, chips, { plusOne: true })
  const last = scaleIndex === config.validRanges.length - 1
  const [lo, hi] = config.validRanges[scaleIndex]
  for (let r = 0; r < boxIds.length; r++) {
    let best = 0
    for (let k = 1; k < n; k++) if (overlap[r * n + k] > overlap[r * n + best]) best = k
    const b = 4 * r
    const c = 4 * best
    const iw = Math.min(chips[c + 2], picked[b + 2]) - Math.max(chips[c], picked[b])
    const ih = Math.min(chips[c + 3], picked[b + 3]) - Math.max(chips[c + 1], picked[b + 1])
    if (!(iw >= 1 && ih >= 1)) continue
    const size = Math.sqrt(Math.abs(iw * ih))
    const inBound = last ? lo === -1 || size >= lo : hi === -1 || (bound === "positive" ? size <= hi : size < hi)
    if (!inBound) continue
    out[boxIds[r]] = first + best
    counts[best]++
  }
  return counts
}
