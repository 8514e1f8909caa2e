import { roundHalfEven } from "@sniper/boxes"
import type { ChipConfig } from "./config.ts"
import { IgnoreReason, type ImageBoxes, type SampledChipTruth } from "./types.ts"

/** Where a chip sits: origin (x1, y1) in original px and its scale s. */
export interface ChipFrame {
  readonly x1: number
  readonly y1: number
  readonly scale: number
}

/** Options of `chipTruth`: the config, and `reasonOf(box)`, whether a non-crowd box is valid in this chip. */
export interface ChipTruthOptions {
  readonly config: ChipConfig
  readonly reasonOf: (box: number) => IgnoreReason
}

/**
 * Visits the boxes a chip keeps, in annotation order, without allocating: `visit(box, x1, y1, x2, y2, reason)`
 * with the reference's inclusive integer corners in chip px (pixels x1..x2, clipped to [0, C - 1]); returns
 * how many were kept beyond `maxBoxesPerChip` (not visited). See `chipTruth`.
 */
export function visitChipBoxes(
  image: ImageBoxes,
  chip: ChipFrame,
  options: ChipTruthOptions & {
    readonly visit: (box: number, x1: number, y1: number, x2: number, y2: number, reason: IgnoreReason) => void
  },
): number {
  const { config, reasonOf, visit } = options
  const n = image.boxes.length >> 2
  const limit = config.chipSize - 1
  const min = config.minBoxSide
  const { x1: ox, y1: oy, scale: s } = chip
  const clip = (v: number) => Math.min(Math.max(v, 0), limit)
  let count = 0
  let truncated = 0
  for (let j = 0; j < n; j++) {
    const crowd = image.crowd[j] === 1
    if (crowd && config.crowd === "drop") continue
    const o = 4 * j
    const x1 = clip(roundHalfEven((image.boxes[o] - ox) * s))
    const y1 = clip(roundHalfEven((image.boxes[o + 1] - oy) * s))
    const x2 = clip(roundHalfEven((image.boxes[o + 2] - ox) * s))
    const y2 = clip(roundHalfEven((image.boxes[o + 3] - oy) * s))
    if (x2 - x1 + 1 < min || y2 - y1 + 1 < min) continue
    if (count === config.maxBoxesPerChip) {
      truncated++
      continue
    }
    count++
    visit(j, x1, y1, x2, y2, crowd ? IgnoreReason.crowd : reasonOf(j))
  }
  return truncated
}

/**
 * Writes the inclusive integer box (pixels x1..x2, y1..y2) at `boxes[at .. at + 3]` in `ChipTruth`'s continuous
 * frame, where it ends at x2 + 1, y2 + 1: the one place the sampler's arithmetic meets the detector's.
 */
export function storeContinuous(
  boxes: Float32Array,
  at: number,
  corners: readonly [x1: number, y1: number, x2: number, y2: number],
): void {
  boxes[at] = corners[0]
  boxes[at + 1] = corners[1]
  boxes[at + 2] = corners[2] + 1
  boxes[at + 3] = corners[3] + 1
}

/**
 * Ground truth of a chip (docs/sniper.md section 2, "GT inside a chip"): every box of the image is shifted by
 * the chip origin, multiplied by s, rounded (half to even, as numpy), clipped to [0, C - 1] as the reference's
 * inclusive pixels; boxes under `minBoxSide` px a side (+1 widths) are dropped; the first `maxBoxesPerChip`
 * kept, in annotation order; then stored continuous (`storeContinuous`).
 */
export function chipTruth(image: ImageBoxes, chip: ChipFrame, options: ChipTruthOptions): SampledChipTruth {
  const cap = Math.min(image.boxes.length >> 2, options.config.maxBoxesPerChip)
  const boxes = new Float32Array(4 * cap)
  const category = new Int32Array(cap)
  const reason = new Uint8Array(cap)
  const box = new Int32Array(cap)
  let count = 0
  const truncated = visitChipBoxes(image, chip, {
    ...options,
    visit: (j, x1, y1, x2, y2, r) => {
      storeContinuous(boxes, 4 * count, [x1, y1, x2, y2])
      category[count] = image.category[j]
      reason[count] = r
      box[count] = j
      count++
    },
  })
  const valid = new Uint8Array(count)
  for (let k = 0; k < count; k++) valid[k] = reason[k] === IgnoreReason.valid ? 1 : 0
  return {
    boxes: count === cap ? boxes : boxes.slice(0, 4 * count),
    category: count === cap ? category : category.slice(0, count),
    valid,
    reason: count === cap ? reason : reason.slice(0, count),
    box: count === cap ? box : box.slice(0, count),
    truncated,
  }
}
