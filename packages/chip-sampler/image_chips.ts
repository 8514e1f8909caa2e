import { Prng } from "@sniper/random"
import { assignBoxes } from "./assign_boxes.ts"
import { type CandidateGrid, candidateBox, candidateChips } from "./candidates.ts"
import { chipStride } from "./chip_stride.ts"
import { chipTruth, visitChipBoxes } from "./chip_truth.ts"
import { markEligible, measureBoxes } from "./eligibility.ts"
import { greedyCover } from "./greedy_cover.ts"
import { imageScales } from "./image_scales.ts"
import { type Chip, type ChipConfig, type ChipTruth, IgnoreReason, type ImageBoxes, type ImageChips } from "./types.ts"

/** Options of `chipImage`: the run's seed and epoch, and whether to mine negative chips from the proposals. */
export interface ChipImageOptions {
  readonly seed: number
  readonly epoch: number
  /** Mine negative chips (the reference's USE_NEG_CHIPS); default: when the image has proposals. */
  readonly negatives?: boolean | undefined
  /** Stride of this epoch; default `chipStride(config, { seed, epoch })`. */
  readonly stride?: number | undefined
  /** The greedy cover implementation; default `greedyCover` (benchmarks pass the naive one, same result). */
  readonly cover?: typeof greedyCover | undefined
}

type Corners = readonly [x1: number, y1: number, x2: number, y2: number]

/** A chip whose ground truth is built on first use (statistics never need its arrays). */
class ImageChip implements Chip {
  readonly negative: boolean
  readonly scaleIndex: number
  readonly scale: number
  readonly x1: number
  readonly y1: number
  readonly x2: number
  readonly y2: number
  readonly grid: Corners
  readonly flip: boolean
  readonly #index: number
  readonly #truthOf: (chip: ImageChip, index: number) => ChipTruth
  #truth: ChipTruth | undefined

  constructor(
    draft: Draft,
    scale: number,
    flip: boolean,
    truth: { readonly index: number; readonly of: (chip: ImageChip, index: number) => ChipTruth },
  ) {
    this.negative = draft.negative
    this.scaleIndex = draft.scaleIndex
    this.scale = scale
    this.grid = draft.grid
    this.x1 = draft.grid[0] / scale
    this.y1 = draft.grid[1] / scale
    this.x2 = draft.grid[2] / scale
    this.y2 = draft.grid[3] / scale
    this.flip = flip
    this.#index = truth.index
    this.#truthOf = truth.of
  }

  get truth(): ChipTruth {
    this.#truth ??= this.#truthOf(this, this.#index)
    return this.#truth
  }
}

interface Draft {
  readonly negative: boolean
  readonly scaleIndex: number
  readonly grid: Corners
}

/**
 * Positive and negative chips of one image in one epoch (SNIPER.md sections 2 and 3), with each chip's ground
 * truth. Deterministic in (config, image, seed, epoch): the image's random stream is keyed by (seed, epoch,
 * image id, flip), so it does not depend on which other images are chipped, or in what order.
 */
export function chipImage(image: ImageBoxes, config: ChipConfig, options: ChipImageOptions): ImageChips {
  const { seed, epoch } = options
  if (!(image.width > 0 && image.height > 0 && Number.isFinite(image.width) && Number.isFinite(image.height))) {
    throw new RangeError(
      `Cannot place chips on image ${image.id}: width and height must be positive, current value is ${image.width}x${image.height}`,
    )
  }
  const stride = options.stride ?? chipStride(config, { seed, epoch })
  const c = config.chipSize
  const reference = config.mode === "reference"
  const sc = imageScales(config.scales, image.width, image.height)
  const prng = new Prng([seed, epoch, image.id, image.flip ? 1 : 0])
  const nScales = sc.scale.length
  const cover = options.cover ?? greedyCover

  // Boxes as the reference's r['boxes']: non-crowd ground truth first, then proposals.
  const nImage = image.boxes.length >> 2
  const allIndexOf = new Int32Array(nImage)
  let nGt = 0
  for (let j = 0; j < nImage; j++) allIndexOf[j] = image.crowd[j] === 0 ? nGt++ : -1
  const nAll = nGt + (image.proposals.length >> 2)
  const all = new Float64Array(4 * nAll)
  for (let j = 0; j < nImage; j++) {
    const at = 4 * allIndexOf[j]
    if (at >= 0) for (let t = 0; t < 4; t++) all[at + t] = image.boxes[4 * j + t]
  }
  all.set(image.proposals, 4 * nGt)
  const measures = measureBoxes(all, config.mode)

  // Per scale i and box j at [i * nAll + j]: scaled box (x4), eligible for assignment, covered by a positive
  // chip, and the chip it is assigned to (reference; -1 if none), for positives and negatives.
  const scaled = new Float64Array(4 * nScales * nAll)
  const assignable = new Uint8Array(nScales * nAll)
  const covered = new Uint8Array(nScales * nAll)
  const assignedTo = new Int32Array(nScales * nAll).fill(-1)
  const negAssignedTo = new Int32Array(nScales * nAll).fill(-1)
  const drafts: Array<Draft> = []
  const firstOfScale = new Int32Array(nScales + 1)
  const grids: Array<CandidateGrid | undefined> = new Array(nScales)
  const gridOf = (i: number): CandidateGrid => {
    grids[i] ??= candidateChips(sc.width[i], sc.height[i], { chipSize: c, stride })
    return grids[i]
  }
  const eligibleAnywhere = new Uint8Array(nGt)
  let eligiblePairs = 0
  let coveredPairs = 0
  const wanted = new Int32Array(nAll)
  const mask = new Uint8Array(nGt)

  for (let i = 0; i < nScales; i++) {
    const s = sc.scale[i]
    const box = scaled.subarray(4 * i * nAll, 4 * (i + 1) * nAll)
    scaleBoxes(all, box, { s, width: sc.width[i], height: sc.height[i], float32: reference })
    const context = { config, scaleIndex: i, fitLimit: (c - stride - 1) / s, rule: "chips" as const }
    markEligible(measures, nGt, context, mask)
    let m = 0
    for (let j = 0; j < nGt; j++) {
      if (mask[j] === 1) {
        wanted[m++] = j
        eligibleAnywhere[j] = 1
      }
    }
    firstOfScale[i] = drafts.length
    if (m > 0) {
      const grid = gridOf(i)
      const picked = cover(grid, pick(box, wanted, m), prng)
      eligiblePairs += m
      for (const by of picked.coveredBy) if (by >= 0) coveredPairs++
      for (const k of picked.chosen) drafts.push({ negative: false, scaleIndex: i, grid: candidateBox(grid, k) })
    }
    const row = assignable.subarray(i * nAll, (i + 1) * nAll)
    markEligible(measures, nAll, { ...context, rule: "assign" }, row)
    let a = 0
    for (let j = 0; j < nAll; j++) if (row[j] === 1) wanted[a++] = j
    const first = firstOfScale[i]
    const chips = drafts.length - first
    if (chips === 0 || a === 0) continue
    if (reference) {
      const out = assignedTo.subarray(i * nAll, (i + 1) * nAll)
      const boxIds = wanted.subarray(0, a)
      assignBoxes(all, chipBoxes(drafts, first, s), { boxIds, bound: "positive", config, scaleIndex: i, out, first })
      for (let j = 0; j < nAll; j++) if (out[j] >= 0) covered[i * nAll + j] = 1
    } else {
      for (let r = 0; r < a; r++) {
        const j = wanted[r]
        for (let d = first; d < drafts.length; d++) {
          if (contains(drafts[d].grid, box, 4 * j)) {
            covered[i * nAll + j] = 1
            break
          }
        }
      }
    }
  }
  firstOfScale[nScales] = drafts.length

  // Negative chips: greedy cover of the eligible boxes no positive chip covers, kept when they hold enough.
  const kept: Array<number> = []
  if (options.negatives ?? image.proposals.length > 0) {
    for (let i = 0; i < nScales; i++) {
      let m = 0
      for (let j = 0; j < nAll; j++) if (assignable[i * nAll + j] === 1 && covered[i * nAll + j] === 0) wanted[m++] = j
      if (m === 0) continue
      const s = sc.scale[i]
      const grid = gridOf(i)
      const picked = cover(grid, pick(scaled.subarray(4 * i * nAll, 4 * (i + 1) * nAll), wanted, m), prng)
      const first = drafts.length
      for (const k of picked.chosen) drafts.push({ negative: true, scaleIndex: i, grid: candidateBox(grid, k) })
      const out = negAssignedTo.subarray(i * nAll, (i + 1) * nAll)
      const boxIds = wanted.subarray(0, m)
      const counts = reference
        ? assignBoxes(all, chipBoxes(drafts, first, s), {
            boxIds,
            bound: "negative",
            config,
            scaleIndex: i,
            out,
            first,
          })
        : picked.newlyCovered
      const min = i === 0 ? config.minProposals.finest : config.minProposals.others
      for (let k = 0; k < counts.length; k++) if (counts[k] > min) kept.push(first + k)
    }
  }
  const take = Math.min(config.negativesPerImage, kept.length)
  for (let t = 0; t < take; t++) {
    const u = t + Math.floor(prng.next() * (kept.length - t))
    const v = kept[t]
    kept[t] = kept[u]
    kept[u] = v
  }

  // Why box jImage is (not) valid in draft d; `current` is the draft the shared closures look at.
  const reasonIn = (d: number, jImage: number): IgnoreReason => {
    const draft = drafts[d]
    const i = draft.scaleIndex
    const j = allIndexOf[jImage]
    const at = i * nAll + j
    if (assignable[at] === 0) return IgnoreReason.outOfRange
    if (reference) {
      return (draft.negative ? negAssignedTo[at] : assignedTo[at]) === d ? IgnoreReason.valid : IgnoreReason.otherChip
    }
    return contains(draft.grid, scaled, 4 * at) ? IgnoreReason.valid : IgnoreReason.cut
  }
  let current = 0
  const validAnywhere = new Uint8Array(nImage)
  const tallyOptions = {
    config,
    reasonOf: (jImage: number) => reasonIn(current, jImage),
    visit: (j: number, _x1: number, _y1: number, _x2: number, _y2: number, r: IgnoreReason) => {
      if (r === IgnoreReason.valid) validAnywhere[j] = 1
    },
  }
  const truth = {
    index: 0,
    of: (chip: ImageChip, d: number) => chipTruth(image, chip, { config, reasonOf: (j) => reasonIn(d, j) }),
  }
  const finish = (d: number): Chip => {
    const chip = new ImageChip(drafts[d], sc.scale[drafts[d].scaleIndex], image.flip, { ...truth, index: d })
    current = d
    visitChipBoxes(image, chip, tallyOptions)
    return chip
  }
  const positives: Array<Chip> = []
  for (let d = 0; d < firstOfScale[nScales]; d++) positives.push(finish(d))
  const negatives: Array<Chip> = []
  for (let t = 0; t < take; t++) negatives.push(finish(kept[t]))
  let eligibleBoxes = 0
  for (const e of eligibleAnywhere) eligibleBoxes += e
  let validBoxes = 0
  for (const v of validAnywhere) validBoxes += v
  return {
    imageId: image.id,
    width: image.width,
    height: image.height,
    flip: image.flip,
    stride,
    scales: sc.scale,
    scaledWidth: sc.width,
    scaledHeight: sc.height,
    positives,
    negatives,
    negativeCandidates: kept.length,
    eligiblePairs,
    coveredPairs,
    boxCount: nGt,
    eligibleBoxes,
    validBoxes,
  }
}

/** Boxes times s, clipped to [0, W - 2] x [0, H - 2] as the reference's chip generator; float32 in reference mode. */
function scaleBoxes(
  all: Float64Array,
  out: Float64Array,
  o: { readonly s: number; readonly width: number; readonly height: number; readonly float32: boolean },
): void {
  const mx = Math.max(o.width - 2, 0)
  const my = Math.max(o.height - 2, 0)
  for (let k = 0; k < all.length; k++) {
    const limit = (k & 1) === 0 ? mx : my
    const v = all[k] * o.s
    const clipped = Math.min(Math.max(v, 0), limit)
    out[k] = o.float32 ? Math.fround(clipped) : clipped
  }
}

/** The drafts from `first` on, in original px (grid corners / s). */
function chipBoxes(drafts: ReadonlyArray<Draft>, first: number, s: number): Float64Array {
  const out = new Float64Array(4 * (drafts.length - first))
  for (let d = first; d < drafts.length; d++)
    for (let t = 0; t < 4; t++) out[4 * (d - first) + t] = drafts[d].grid[t] / s
  return out
}

/** Whether the chip's grid corners hold the box at `boxes[o .. o + 3]`. */
function contains(grid: Corners, boxes: Float64Array, o: number): boolean {
  return grid[0] <= boxes[o] && grid[1] <= boxes[o + 1] && boxes[o + 2] <= grid[2] && boxes[o + 3] <= grid[3]
}

function pick(boxes: Float64Array, ids: Int32Array, m: number): Float64Array {
  const out = new Float64Array(4 * m)
  for (let r = 0; r < m; r++) for (let t = 0; t < 4; t++) out[4 * r + t] = boxes[4 * ids[r] + t]
  return out
}
