import type { Prng } from "@sniper/random"
import { type CandidateGrid, candidateChips } from "./candidates.ts"
import type { ChipConfig } from "./config.ts"
import { type BoxMeasures, measureBoxes } from "./eligibility.ts"
import type { greedyCover } from "./greedy_cover.ts"
import { type ImageScales, imageScales } from "./image_scales.ts"
import {
  type Draft,
  type Placement,
  type SamplingStrategy,
  type ScaleGroup,
  samplingStrategy,
} from "./sampling_strategy.ts"
import type { ImageBoxes } from "./types.ts"

/**
 * What the steps of `chipImage` share. Boxes as the reference's r['boxes']: the image's non-crowd ground
 * truth (`gtCount`, image box j at row `rowOf[j]`, -1 for crowds), then its proposals. Per scale i and row j at
 * i n + j: whether the box is eligible for placement (`assignable`), and in `placement` the scaled box and the
 * chips it went to.
 */
export interface Workspace {
  readonly image: ImageBoxes
  readonly config: ChipConfig
  readonly strategy: SamplingStrategy
  readonly stride: number
  readonly prng: Prng
  readonly cover: typeof greedyCover
  readonly scales: ImageScales
  readonly boxes: Float64Array
  readonly rowOf: Int32Array
  readonly gtCount: number
  readonly count: number
  readonly measures: BoxMeasures
  readonly assignable: Uint8Array
  readonly placement: Placement
  readonly drafts: Array<Draft>
  readonly grids: Array<CandidateGrid | undefined>
  /** Scratch: a list of box rows, and a mask over the ground truth. */
  readonly wanted: Int32Array
  readonly mask: Uint8Array
}

/** The image's boxes (non-crowd ground truth, then proposals), measured, and scaled to every scale. */
export function workspace(
  image: ImageBoxes,
  config: ChipConfig,
  options: { readonly stride: number; readonly prng: Prng; readonly cover: typeof greedyCover },
): Workspace {
  const strategy = samplingStrategy(config.mode)
  const scales = imageScales(config.scales, image.width, image.height)
  const nScales = scales.scale.length
  const nImage = image.boxes.length >> 2
  const rowOf = new Int32Array(nImage)
  let gtCount = 0
  for (let j = 0; j < nImage; j++) rowOf[j] = image.crowd[j] === 0 ? gtCount++ : -1
  const count = gtCount + (image.proposals.length >> 2)
  const boxes = new Float64Array(4 * count)
  for (let j = 0; j < nImage; j++) {
    const at = 4 * rowOf[j]
    if (at >= 0) for (let t = 0; t < 4; t++) boxes[at + t] = image.boxes[4 * j + t]
  }
  boxes.set(image.proposals, 4 * gtCount)
  const scaled = new Float64Array(4 * nScales * count)
  for (let i = 0; i < nScales; i++) {
    const out = scaled.subarray(4 * i * count, 4 * (i + 1) * count)
    scaleBoxes(boxes, out, { s: scales.scale[i], width: scales.width[i], height: scales.height[i], strategy })
  }
  const drafts: Array<Draft> = []
  return {
    image,
    config,
    strategy,
    ...options,
    scales,
    boxes,
    rowOf,
    gtCount,
    count,
    measures: measureBoxes(boxes, { truncate: strategy.integerBoxes }),
    assignable: new Uint8Array(nScales * count),
    placement: {
      drafts,
      scaled,
      positive: new Int32Array(nScales * count).fill(-1),
      negative: new Int32Array(nScales * count).fill(-1),
    },
    drafts,
    grids: new Array(nScales),
    wanted: new Int32Array(count),
    mask: new Uint8Array(gtCount),
  }
}

export function gridOf(work: Workspace, i: number): CandidateGrid {
  const { scales, config, stride } = work
  work.grids[i] ??= candidateChips(scales.width[i], scales.height[i], { chipSize: config.chipSize, stride })
  return work.grids[i]
}

export function scaledAt(work: Workspace, i: number): Float64Array {
  return work.placement.scaled.subarray(4 * i * work.count, 4 * (i + 1) * work.count)
}

export function eligibility(work: Workspace, i: number) {
  const fitLimit = (work.config.chipSize - work.stride - 1) / work.scales.scale[i]
  return { config: work.config, scaleIndex: i, fitLimit }
}

/** The chips of scale i from `first` on, with the boxes to place in them (see `SamplingStrategy`). */
export function group(
  work: Workspace,
  i: number,
  o: { readonly boxIds: Int32Array; readonly first: number },
): ScaleGroup {
  const { config, boxes, drafts } = work
  return { config, scaleIndex: i, scale: work.scales.scale[i], boxes, scaled: scaledAt(work, i), drafts, ...o }
}

/** Boxes times s, clipped to [0, W - 2] x [0, H - 2] as the reference's chip generator (float32 in its arithmetic). */
function scaleBoxes(
  all: Float64Array,
  out: Float64Array,
  o: { readonly s: number; readonly width: number; readonly height: number; readonly strategy: SamplingStrategy },
): void {
  const mx = Math.max(o.width - 2, 0)
  const my = Math.max(o.height - 2, 0)
  const float32 = o.strategy.integerBoxes
  for (let k = 0; k < all.length; k++) {
    const limit = (k & 1) === 0 ? mx : my
    const v = all[k] * o.s
    const clipped = Math.min(Math.max(v, 0), limit)
    out[k] = float32 ? Math.fround(clipped) : clipped
  }
}

/** The boxes of rows `ids[0 .. m)`. */
export function pick(boxes: Float64Array, ids: Int32Array, m: number): Float64Array {
  const out = new Float64Array(4 * m)
  for (let r = 0; r < m; r++) for (let t = 0; t < 4; t++) out[4 * r + t] = boxes[4 * ids[r] + t]
  return out
}
