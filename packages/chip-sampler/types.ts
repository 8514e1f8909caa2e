import type { ChipTruth, ValidRange } from "@sniper/boxes"

/**
 * Ground truth of one image in the chip sampler's frame: boxes (x1, y1, x2, y2) in original px, inclusive
 * (w = x2 - x1 + 1), already cleaned by `imageBoxes`; proposals in the same frame.
 */
export interface ImageBoxes {
  readonly id: number
  readonly width: number
  readonly height: number
  readonly boxes: Float64Array
  readonly category: Int32Array
  readonly crowd: Uint8Array
  /** Index of each box in the image's annotation list (for tracing back). */
  readonly annotation: Int32Array
  readonly proposals: Float64Array
  /** Whether these are the boxes of the horizontally flipped image. */
  readonly flip: boolean
}

/** Why a box in a chip is ignored; `valid` (0) means it is not. */
export const IgnoreReason = {
  valid: 0,
  /** A crowd annotation (paper mode keeps them as ignored regions). */
  crowd: 1,
  /** Not eligible at this chip's scale: out of its valid range, or too large to fit a chip. */
  outOfRange: 2,
  /** Eligible, but the reference assigns it to another chip of this scale (or to none). */
  otherChip: 3,
  /** Eligible, but not fully inside this chip (paper mode). */
  cut: 4,
} as const
export type IgnoreReason = (typeof IgnoreReason)[keyof typeof IgnoreReason]

/**
 * Ground truth of one chip (see `ChipTruth`: continuous boxes in chip px, category rows, valid flags), at most
 * `maxBoxesPerChip` boxes, with what the sampler knows of each: why it is ignored and which image box it is.
 */
export interface SampledChipTruth extends ChipTruth {
  readonly reason: Uint8Array
  /** Index of the box in `ImageBoxes.boxes`. */
  readonly box: Int32Array
  /** Boxes kept beyond the cap and left out. */
  readonly truncated: number
}

/**
 * One chip. (x1, y1, x2, y2) in original px: the reference's chip, its scaled-grid corners divided by `scale`
 * (read as a continuous window it is the region the reference crops). A point p in chip px maps back to
 * p / scale + (x1, y1) in the image (of the flipped image when `flip`).
 */
export interface Chip {
  readonly negative: boolean
  readonly scaleIndex: number
  /** Chip px per original px (s). */
  readonly scale: number
  readonly x1: number
  readonly y1: number
  readonly x2: number
  readonly y2: number
  /** Corners on the scaled image's integer grid, inclusive. */
  readonly grid: readonly [x1: number, y1: number, x2: number, y2: number]
  readonly flip: boolean
  /** Its scale's valid range, `[lo, hi)` on box size in original px (-1 = unbounded); [-1, -1] when the config
   * trains every box as valid (`trainsEveryBox`), so that proposals of every size are kept too. */
  readonly validRange: ValidRange
  readonly truth: SampledChipTruth
}

/** The chips of one image (or its flipped copy) in one epoch, with what is needed for statistics. */
export interface ImageChips {
  readonly imageId: number
  readonly width: number
  readonly height: number
  readonly flip: boolean
  readonly stride: number
  /** Per scale: s, and the scaled image size int(W s) x int(H s). */
  readonly scales: Float64Array
  readonly scaledWidth: Int32Array
  readonly scaledHeight: Int32Array
  readonly positives: ReadonlyArray<Chip>
  /** The negative chips sampled this epoch. */
  readonly negatives: ReadonlyArray<Chip>
  /** Negative chips that passed the proposal-count rule, before sampling. */
  readonly negativeCandidates: number
  /** (box, scale) pairs where a box is eligible for positive chips, and how many lie fully inside one. */
  readonly eligiblePairs: number
  readonly coveredPairs: number
  /** Non-crowd boxes, those eligible at some scale, and those valid in at least one chip. */
  readonly boxCount: number
  readonly eligibleBoxes: number
  readonly validBoxes: number
}
