import type { ChipTruth } from "@sniper/boxes"
import {
  type BadImageLog,
  type Dataset,
  imageRefOf,
  type Normalization,
  readChips,
  skipBadImages,
} from "@sniper/coco-io"
import { Effect, Stream } from "effect"
import { chipAreaRange } from "./chip_sample.ts"
import type { PlannedImage } from "./epoch_plan.ts"

/** A batch of chips ready for the detector: NHWC pixels, each chip's truth and valid proposal area range. */
export interface ChipBatch {
  readonly size: number
  readonly count: number
  /** count x size x size x 3, normalized. */
  readonly pixels: Float32Array
  readonly truths: ReadonlyArray<ChipTruth>
  readonly areaRanges: ReadonlyArray<readonly [number, number]>
}

interface CutChip {
  readonly pixels: Float32Array
  readonly truth: ChipTruth
  readonly areaRange: readonly [number, number]
}

/**
 * Batches of `chipsPerBatch` chips from `entries` in order: each entry's image decoded once (the next one while
 * the current batch trains) and cut at all its chips; images that cannot be read are skipped and recorded in
 * `badImages` instead of ending the run.
 */
export function chipBatches(
  dataset: Dataset,
  entries: ReadonlyArray<PlannedImage>,
  options: {
    readonly imageRoot: string
    readonly chipSize: number
    readonly chipsPerBatch: number
    readonly badImages: BadImageLog
    /** The detector's input normalization (`detector.normalization`); default coco-io's (ImageNet, RGB). */
    readonly normalization?: Normalization | undefined
  },
): Stream.Stream<ChipBatch> {
  const { chipSize: size, chipsPerBatch } = options
  const cut = (entry: PlannedImage) =>
    readChips(options.imageRoot, imageRefOf(dataset, entry.row), {
      size,
      windows: entry.chips.map((c) => ({ x1: c.x1, y1: c.y1, x2: c.x2, y2: c.y2, scale: c.scale, flip: c.flip })),
      normalization: options.normalization,
    }).pipe(
      Effect.map((pixels) =>
        entry.chips
          .map(
            (chip, i): CutChip => ({
              pixels: pixels[i],
              truth: chip.truth,
              areaRange: chipAreaRange(chip),
            }),
          )
          .slice(entry.skip ?? 0),
      ),
    )
  return Stream.fromIterable(entries).pipe(
    skipBadImages(options.badImages, cut, { concurrency: 2 }),
    Stream.flattenIterable,
    Stream.grouped(chipsPerBatch),
    Stream.map((chips) => {
      const pixels = new Float32Array(chips.length * size * size * 3)
      chips.forEach((c, i) => {
        pixels.set(c.pixels, i * size * size * 3)
      })
      return {
        size,
        count: chips.length,
        pixels,
        truths: chips.map((c) => c.truth),
        areaRanges: chips.map((c) => c.areaRange),
      }
    }),
  )
}
