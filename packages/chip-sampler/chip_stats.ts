import { scaledSize, scaleForResolution } from "@sniper/boxes"
import { Effect, Stream } from "effect"
import type { ChipConfig } from "./config.ts"
import type { Chip, ImageChips } from "./types.ts"

/**
 * Whole-data-set figures of one epoch. Pixels: SNIPER processes C x C per chip (the zero-padded input);
 * single-scale training the image resized to `singleScale` (800 x 1333 by default); full-pyramid training the
 * whole image at every configured scale.
 */
export interface ChipStats {
  readonly images: number
  readonly positiveChips: number
  readonly negativeChips: number
  readonly negativeCandidates: number
  readonly chipsPerImage: number
  readonly positivePerImage: number
  readonly negativePerImage: number
  /** Positive chips per scale, finest first. */
  readonly positivesPerScale: ReadonlyArray<number>
  /** (box, scale) pairs eligible for positive chips that lie fully inside one, over all such pairs. */
  readonly coverage: number
  /** Non-crowd boxes (after cleaning) eligible at some scale / valid in some chip, over all of them. */
  readonly boxes: number
  readonly eligibleFraction: number
  readonly validFraction: number
  readonly chipPixels: number
  readonly singleScalePixels: number
  readonly pyramidPixels: number
  readonly pixelRatioVsSingleScale: number
  /** Against single-scale training whose batches pad every image to an 800 x 1333 canvas (images x 800 x 1333). */
  readonly pixelRatioVsSingleScaleCanvas: number
  readonly pixelRatioVsFullPyramid: number
  /** Strides used (one per epoch). */
  readonly strides: ReadonlyArray<number>
}

/** Mutable running sums of `chipStats`. */
export interface ChipTally {
  images: number
  positives: number
  negatives: number
  candidates: number
  perScale: Array<number>
  eligiblePairs: number
  coveredPairs: number
  boxes: number
  eligibleBoxes: number
  validBoxes: number
  singleScalePixels: number
  pyramidPixels: number
  strides: Set<number>
}

export function emptyTally(scales: number): ChipTally {
  return {
    images: 0,
    positives: 0,
    negatives: 0,
    candidates: 0,
    perScale: new Array<number>(scales).fill(0),
    eligiblePairs: 0,
    coveredPairs: 0,
    boxes: 0,
    eligibleBoxes: 0,
    validBoxes: 0,
    singleScalePixels: 0,
    pyramidPixels: 0,
    strides: new Set(),
  }
}

/** Adds one image's chips (mutates and returns `tally`). */
export function tallyImage(
  tally: ChipTally,
  image: ImageChips,
  singleScale: { readonly short: number; readonly long: number } = { short: 800, long: 1333 },
): ChipTally {
  tally.images++
  tally.positives += image.positives.length
  tally.negatives += image.negatives.length
  tally.candidates += image.negativeCandidates
  for (const c of image.positives) tally.perScale[c.scaleIndex]++
  tally.eligiblePairs += image.eligiblePairs
  tally.coveredPairs += image.coveredPairs
  tally.boxes += image.boxCount
  tally.eligibleBoxes += image.eligibleBoxes
  tally.validBoxes += image.validBoxes
  const s = scaleForResolution(image.width, image.height, singleScale.short, singleScale.long)
  const [w, h] = scaledSize(image.width, image.height, s)
  tally.singleScalePixels += w * h
  for (let i = 0; i < image.scales.length; i++) tally.pyramidPixels += image.scaledWidth[i] * image.scaledHeight[i]
  tally.strides.add(image.stride)
  return tally
}

/** The figures of a tally; ratios are NaN for an empty data set. */
export function statsOf(tally: ChipTally, config: ChipConfig): ChipStats {
  const chips = tally.positives + tally.negatives
  const chipPixels = chips * config.chipSize * config.chipSize
  return {
    images: tally.images,
    positiveChips: tally.positives,
    negativeChips: tally.negatives,
    negativeCandidates: tally.candidates,
    chipsPerImage: chips / tally.images,
    positivePerImage: tally.positives / tally.images,
    negativePerImage: tally.negatives / tally.images,
    positivesPerScale: tally.perScale,
    coverage: tally.eligiblePairs === 0 ? 1 : tally.coveredPairs / tally.eligiblePairs,
    boxes: tally.boxes,
    eligibleFraction: tally.eligibleBoxes / tally.boxes,
    validFraction: tally.validBoxes / tally.boxes,
    chipPixels,
    singleScalePixels: tally.singleScalePixels,
    pyramidPixels: tally.pyramidPixels,
    pixelRatioVsSingleScale: chipPixels / tally.singleScalePixels,
    pixelRatioVsSingleScaleCanvas: chipPixels / (tally.images * 800 * 1333),
    pixelRatioVsFullPyramid: chipPixels / tally.pyramidPixels,
    strides: [...tally.strides].sort((a, b) => a - b),
  }
}

/** Folds a chip stream into its figures. */
export function chipStats<E, R>(
  chips: Stream.Stream<ImageChips, E, R>,
  config: ChipConfig,
): Effect.Effect<ChipStats, E, R> {
  return chips.pipe(
    Stream.runFold(
      () => emptyTally(config.scales.length),
      (tally, image) => tallyImage(tally, image),
    ),
    Effect.map((tally) => statsOf(tally, config)),
  )
}

/**
 * Image pixels a chip trains on: its window on the scaled image (`grid`, inclusive) as far as it fits the
 * `chipSize` canvas. The network's input is `chipSize`² a chip however many of them are image, the rest padding.
 */
export function chipImagePixels(chip: Chip, chipSize: number): number {
  const [x1, y1, x2, y2] = chip.grid
  return Math.min(x2 - x1 + 1, chipSize) * Math.min(y2 - y1 + 1, chipSize)
}
