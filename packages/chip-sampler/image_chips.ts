import type { ValidRange } from "@sniper/boxes"
import { Prng } from "@sniper/random"
import { eligibility, gridOf, group, pick, scaledAt, type Workspace, workspace } from "./_workspace.ts"
import { candidateBox } from "./candidates.ts"
import { chipStride } from "./chip_stride.ts"
import { chipTruth, visitChipBoxes } from "./chip_truth.ts"
import { type ChipConfig, trainsEveryBox } from "./config.ts"
import { greedyCover } from "./greedy_cover.ts"
import type { Draft } from "./sampling_strategy.ts"
import { type Chip, IgnoreReason, type ImageBoxes, type ImageChips, type SampledChipTruth } from "./types.ts"

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

const unbounded: ValidRange = [-1, -1]

/** A chip whose ground truth is built on first use (statistics never need its arrays). */
class ImageChip implements Chip {
  readonly negative: boolean
  readonly scaleIndex: number
  readonly scale: number
  readonly x1: number
  readonly y1: number
  readonly x2: number
  readonly y2: number
  readonly grid: Draft["grid"]
  readonly flip: boolean
  readonly validRange: ValidRange
  readonly #truthOf: (chip: ImageChip) => SampledChipTruth
  #truth: SampledChipTruth | undefined

  constructor(draft: Draft, work: Workspace, truthOf: (chip: ImageChip) => SampledChipTruth) {
    const scale = work.scales.scale[draft.scaleIndex]
    this.negative = draft.negative
    this.scaleIndex = draft.scaleIndex
    this.scale = scale
    this.grid = draft.grid
    this.x1 = draft.grid[0] / scale
    this.y1 = draft.grid[1] / scale
    this.x2 = draft.grid[2] / scale
    this.y2 = draft.grid[3] / scale
    this.flip = work.image.flip
    this.validRange = trainsEveryBox(work.config) ? unbounded : work.config.validRanges[draft.scaleIndex]
    this.#truthOf = truthOf
  }

  get truth(): SampledChipTruth {
    this.#truth ??= this.#truthOf(this)
    return this.#truth
  }
}

/**
 * Positive and negative chips of one image in one epoch (docs/sniper.md sections 2 and 3), with each chip's
 * ground truth. Deterministic in (config, image, seed, epoch): the image's random stream is keyed by (seed,
 * epoch, image id, flip), so it does not depend on which other images are chipped, or in what order. With
 * `sampling: "whole-image"`, one chip per scale holds the whole scaled image, every box valid.
 */
export function chipImage(image: ImageBoxes, config: ChipConfig, options: ChipImageOptions): ImageChips {
  const { seed, epoch } = options
  if (!(image.width > 0 && image.height > 0 && Number.isFinite(image.width) && Number.isFinite(image.height))) {
    throw new RangeError(
      `Cannot place chips on image ${image.id}: width and height must be positive, current value is ${image.width}x${image.height}`,
    )
  }
  const work = workspace(image, config, {
    stride: options.stride ?? chipStride(config, { seed, epoch }),
    prng: new Prng([seed, epoch, image.id, image.flip ? 1 : 0]),
    cover: options.cover ?? greedyCover,
  })
  const nScales = work.scales.scale.length
  const whole = config.sampling === "whole-image"
  const eligibleAnywhere = new Uint8Array(work.gtCount)
  let eligiblePairs = 0
  let coveredPairs = 0
  for (let i = 0; i < nScales; i++) {
    const first = work.drafts.length
    const pairs = whole ? wholeImageChip(work, i, eligibleAnywhere) : coverEligible(work, i, eligibleAnywhere)
    eligiblePairs += pairs.eligible
    coveredPairs += pairs.covered
    if (!whole) placeAssignable(work, i, first)
  }
  const positives = work.drafts.length
  const mine = !whole && (options.negatives ?? image.proposals.length > 0)
  const candidates = mine ? negativeCandidates(work) : []
  const take = sampleNegatives(candidates, config.negativesPerImage, work.prng)
  const chips = finishChips(work, { positives, negatives: candidates.slice(0, take) })
  return {
    imageId: image.id,
    width: image.width,
    height: image.height,
    flip: image.flip,
    stride: work.stride,
    scales: work.scales.scale,
    scaledWidth: work.scales.width,
    scaledHeight: work.scales.height,
    positives: chips.positives,
    negatives: chips.negatives,
    negativeCandidates: candidates.length,
    eligiblePairs,
    coveredPairs,
    boxCount: work.gtCount,
    eligibleBoxes: eligibleAnywhere.reduce((n, e) => n + e, 0),
    validBoxes: chips.validBoxes,
  }
}

/** (box, scale) pairs of one scale: boxes eligible for positive chips there, and those inside one. */
interface ScalePairs {
  readonly eligible: number
  readonly covered: number
}

/** Positive chips of scale i: the greedy cover of the ground truth eligible there (docs/sniper.md section 2). */
function coverEligible(work: Workspace, i: number, eligibleAnywhere: Uint8Array): ScalePairs {
  const { gtCount, wanted, mask } = work
  work.strategy.eligible(work.measures, gtCount, { ...eligibility(work, i), rule: "chips" }, mask)
  let m = 0
  for (let j = 0; j < gtCount; j++) {
    if (mask[j] === 1) {
      wanted[m++] = j
      eligibleAnywhere[j] = 1
    }
  }
  if (m === 0) return { eligible: 0, covered: 0 }
  const grid = gridOf(work, i)
  const picked = work.cover(grid, pick(scaledAt(work, i), wanted, m), work.prng)
  for (const k of picked.chosen) work.drafts.push({ negative: false, scaleIndex: i, grid: candidateBox(grid, k) })
  let covered = 0
  for (const by of picked.coveredBy) if (by >= 0) covered++
  return { eligible: m, covered }
}

/**
 * The whole-image chip of scale i: the scaled image's own corners, zero-padded to the chip (as when the image is
 * smaller than a chip); every ground-truth box is covered there. None for an image without ground truth (the
 * reference trains on no such image, docs/sniper.md section 4).
 */
function wholeImageChip(work: Workspace, i: number, eligibleAnywhere: Uint8Array): ScalePairs {
  const { image, config, scales } = work
  if (work.gtCount === 0) return { eligible: 0, covered: 0 }
  const [w, h] = [scales.width[i], scales.height[i]]
  if (w > config.chipSize || h > config.chipSize) {
    throw new RangeError(
      `Cannot place a whole-image chip on image ${image.id}: chipSize must hold the image at scale ${i} (${w}x${h} px), current value is ${config.chipSize}`,
    )
  }
  work.drafts.push({ negative: false, scaleIndex: i, grid: [0, 0, w - 1, h - 1] })
  eligibleAnywhere.fill(1)
  return { eligible: work.gtCount, covered: work.gtCount }
}

/** Places the boxes (ground truth and proposals) eligible at scale i in its positive chips `drafts[first ..]`. */
function placeAssignable(work: Workspace, i: number, first: number): void {
  const { count, wanted, drafts } = work
  const row = work.assignable.subarray(i * count, (i + 1) * count)
  work.strategy.eligible(work.measures, count, { ...eligibility(work, i), rule: "assign" }, row)
  let a = 0
  for (let j = 0; j < count; j++) if (row[j] === 1) wanted[a++] = j
  if (drafts.length === first || a === 0) return
  const out = work.placement.positive.subarray(i * count, (i + 1) * count)
  work.strategy.placePositives(group(work, i, { boxIds: wanted.subarray(0, a), first }), out)
}

/**
 * Negative chips (docs/sniper.md section 3): per scale, the greedy cover of the eligible boxes no positive chip
 * covers; returns the drafts that hold more than `minProposals` of them.
 */
function negativeCandidates(work: Workspace): Array<number> {
  const { count, wanted, drafts, config } = work
  const { positive, negative } = work.placement
  const kept: Array<number> = []
  for (let i = 0; i < work.scales.scale.length; i++) {
    let m = 0
    for (let j = 0; j < count; j++) {
      const at = i * count + j
      if (work.assignable[at] === 1 && positive[at] < 0) wanted[m++] = j
    }
    if (m === 0) continue
    const grid = gridOf(work, i)
    const picked = work.cover(grid, pick(scaledAt(work, i), wanted, m), work.prng)
    const first = drafts.length
    for (const k of picked.chosen) drafts.push({ negative: true, scaleIndex: i, grid: candidateBox(grid, k) })
    const out = negative.subarray(i * count, (i + 1) * count)
    const counts = work.strategy.countNegatives(
      group(work, i, { boxIds: wanted.subarray(0, m), first }),
      picked.newlyCovered,
      out,
    )
    const min = i === 0 ? config.minProposals.finest : config.minProposals.others
    for (let k = 0; k < counts.length; k++) if (counts[k] > min) kept.push(first + k)
  }
  return kept
}

/** Moves `count` candidates drawn without replacement to the front (a partial Fisher-Yates); returns how many. */
function sampleNegatives(candidates: Array<number>, count: number, prng: Prng): number {
  const take = Math.min(count, candidates.length)
  for (let t = 0; t < take; t++) {
    const u = t + Math.floor(prng.next() * (candidates.length - t))
    const v = candidates[t]
    candidates[t] = candidates[u]
    candidates[u] = v
  }
  return take
}

/**
 * The chips of drafts [0, positives) and `negatives`, each with its ground truth built on first use, and how
 * many ground-truth boxes are valid in at least one of them.
 */
function finishChips(
  work: Workspace,
  chosen: { readonly positives: number; readonly negatives: ReadonlyArray<number> },
): { readonly positives: Array<Chip>; readonly negatives: Array<Chip>; readonly validBoxes: number } {
  const { image, config, drafts, rowOf, count, assignable } = work
  const reasonAt = work.strategy.validity(work.placement)
  const outOfRange = config.outOfRange === "valid" ? IgnoreReason.valid : IgnoreReason.outOfRange
  const whole = config.sampling === "whole-image"
  // Why image box j is (not) valid in draft d.
  const reasonIn = (d: number, j: number): IgnoreReason => {
    if (whole) return IgnoreReason.valid
    const at = drafts[d].scaleIndex * count + rowOf[j]
    return assignable[at] === 0 ? outOfRange : reasonAt(d, at)
  }
  let current = 0
  const validAnywhere = new Uint8Array(rowOf.length)
  const tally = {
    config,
    reasonOf: (j: number) => reasonIn(current, j),
    visit: (j: number, _x1: number, _y1: number, _x2: number, _y2: number, r: IgnoreReason) => {
      if (r === IgnoreReason.valid) validAnywhere[j] = 1
    },
  }
  const finish = (d: number): Chip => {
    const chip = new ImageChip(drafts[d], work, (c) => chipTruth(image, c, { config, reasonOf: (j) => reasonIn(d, j) }))
    current = d
    visitChipBoxes(image, chip, tally)
    return chip
  }
  const positives: Array<Chip> = []
  for (let d = 0; d < chosen.positives; d++) positives.push(finish(d))
  const negatives = chosen.negatives.map(finish)
  return { positives, negatives, validBoxes: validAnywhere.reduce((n, v) => n + v, 0) }
}
