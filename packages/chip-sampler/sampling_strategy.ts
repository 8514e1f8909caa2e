import { assignBoxes } from "./assign_boxes.ts"
import type { ChipConfig, Mode } from "./config.ts"
import { type Eligibility, paperEligible, referenceEligible } from "./eligibility.ts"
import { IgnoreReason } from "./types.ts"

/** A chip before its ground truth: its corners on the scaled image's integer grid, inclusive. */
export interface Draft {
  readonly negative: boolean
  readonly scaleIndex: number
  readonly grid: readonly [x1: number, y1: number, x2: number, y2: number]
}

/** The chips of one scale just drafted, `drafts[first ..]`, and the boxes to place in them. */
export interface ScaleGroup {
  readonly config: ChipConfig
  readonly scaleIndex: number
  /** s: chip px per original px. */
  readonly scale: number
  /** Every box in original px (non-crowd ground truth, then proposals) and the same boxes in scaled px. */
  readonly boxes: Float64Array
  readonly scaled: Float64Array
  /** The ids (rows of `boxes`) to place: those eligible under the `assign` rule. */
  readonly boxIds: Int32Array
  readonly drafts: ReadonlyArray<Draft>
  readonly first: number
}

/**
 * What differs between the released code (`reference`) and the paper's clean rules (`paper`), docs/sniper.md
 * sections 2-4 and 8; everything else in `chipImage` is shared. Chosen once from `ChipConfig.mode`.
 */
export interface SamplingStrategy {
  readonly mode: Mode
  /**
   * The reference's integer arithmetic: boxes truncated to integers when loaded (its uint16 array, x2 taken
   * from the clamped x1), w and h truncated when measured, scaled boxes kept in float32 (its numpy arrays).
   */
  readonly integerBoxes: boolean
  /** Which boxes are eligible at a scale. */
  readonly eligible: Eligibility
  /**
   * Places the group's boxes in its positive chips: `out[j]` = the chip box j is placed in (valid there in
   * `reference`; in `paper` the first chip holding it whole), -1 when none: the box is not covered.
   */
  placePositives(group: ScaleGroup, out: Int32Array): void
  /**
   * How many of the group's boxes each negative chip holds, for the proposal-count rule (`newlyCovered`: the
   * greedy cover's counts); `reference` reassigns the boxes and writes each one's chip to `out` as `placePositives`.
   */
  countNegatives(group: ScaleGroup, newlyCovered: Int32Array, out: Int32Array): Int32Array
  /** `reasonIn(d, at)`: why eligible box `at` (see `Placement`) is (not) valid in chip `d` of its scale. */
  validity(placement: Placement): (d: number, at: number) => IgnoreReason
}

/** Where an image's boxes went. Per scale i and box j at `at` = i n + j: the box in scaled px (`4 at`), the
 * positive and the negative chip it was placed in (-1: none). */
export interface Placement {
  readonly drafts: ReadonlyArray<Draft>
  readonly scaled: Float64Array
  readonly positive: Int32Array
  readonly negative: Int32Array
}

/** Whether the chip's grid corners hold the box at `boxes[o .. o + 3]`. */
export function gridContains(grid: Draft["grid"], boxes: Float64Array, o: number): boolean {
  return grid[0] <= boxes[o] && grid[1] <= boxes[o + 1] && boxes[o + 2] <= grid[2] && boxes[o + 3] <= grid[3]
}

/** The drafts from `first` on, in original px (grid corners / s). */
function chipBoxes(drafts: ReadonlyArray<Draft>, first: number, s: number): Float64Array {
  const out = new Float64Array(4 * (drafts.length - first))
  for (let d = first; d < drafts.length; d++)
    for (let t = 0; t < 4; t++) out[4 * (d - first) + t] = drafts[d].grid[t] / s
  return out
}

function assign(group: ScaleGroup, bound: "positive" | "negative", out: Int32Array): Int32Array {
  const { boxes, drafts, first, scale, config, scaleIndex, boxIds } = group
  return assignBoxes(boxes, chipBoxes(drafts, first, scale), { boxIds, bound, config, scaleIndex, out, first })
}

/** The released code: each box is valid in the one chip of its scale that holds most of it (`assignBoxes`). */
export const referenceStrategy: SamplingStrategy = {
  mode: "reference",
  integerBoxes: true,
  eligible: referenceEligible,
  placePositives: (group, out) => {
    assign(group, "positive", out)
  },
  countNegatives: (group, _newlyCovered, out) => assign(group, "negative", out),
  validity:
    ({ drafts, positive, negative }) =>
    (d, at) =>
      (drafts[d].negative ? negative[at] : positive[at]) === d ? IgnoreReason.valid : IgnoreReason.otherChip,
}

/** The paper: a box is valid in every chip of its scale that holds it whole, exact arithmetic. */
export const paperStrategy: SamplingStrategy = {
  mode: "paper",
  integerBoxes: false,
  eligible: paperEligible,
  placePositives: (group, out) => {
    const { boxIds, drafts, first, scaled } = group
    for (const j of boxIds) {
      for (let d = first; d < drafts.length; d++) {
        if (gridContains(drafts[d].grid, scaled, 4 * j)) {
          out[j] = d
          break
        }
      }
    }
  },
  countNegatives: (_group, newlyCovered) => newlyCovered,
  validity:
    ({ drafts, scaled }) =>
    (d, at) =>
      gridContains(drafts[d].grid, scaled, 4 * at) ? IgnoreReason.valid : IgnoreReason.cut,
}

const strategies: Record<Mode, SamplingStrategy> = { reference: referenceStrategy, paper: paperStrategy }

/** The strategy of a mode. */
export function samplingStrategy(mode: Mode): SamplingStrategy {
  return strategies[mode]
}
