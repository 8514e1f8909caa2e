import { type Chip, type ChipConfig, chipImage, chipStride, datasetImage, type Proposals } from "@sniper/chip-sampler"
import type { Dataset } from "@sniper/coco-io"
import { Prng } from "@sniper/random"

/** The chips of one data-set entry (an image, or its flipped copy) in one epoch. */
export interface PlannedImage {
  readonly row: number
  readonly flip: boolean
  readonly chips: ReadonlyArray<Chip>
  /** Leading chips already trained on (a resumed epoch): still cut, since a chip's pixels may depend on the
   * other chips cut from the same image with it, but not trained on again. */
  readonly skip?: number
}

/** One epoch's chips: entries in training order, each entry's chips together so its image is decoded once. */
export interface EpochPlan {
  readonly epoch: number
  readonly stride: number
  readonly entries: ReadonlyArray<PlannedImage>
  readonly chipCount: number
}

/** Key that separates the entry-order shuffle from every other use of (seed, epoch). */
const orderKey = 0x5e9

/**
 * The chips of every entry of `dataset` for `epoch` (docs/sniper.md section 4): positive chips, negative chips when
 * proposals are given, flipped copies when `flip`; entries without chips dropped; entry order shuffled by
 * (seed, epoch). Chips of an entry stay together (one decode per entry), unlike the reference's global shuffle.
 */
export function planEpoch(
  dataset: Dataset,
  config: ChipConfig,
  options: {
    readonly seed: number
    readonly epoch: number
    readonly flip?: boolean
    readonly proposals?: Proposals | undefined
  },
): EpochPlan {
  const { seed, epoch, proposals } = options
  const stride = chipStride(config, { seed, epoch })
  const copies = options.flip === true ? [false, true] : [false]
  const entries: Array<PlannedImage> = []
  for (let row = 0; row < dataset.images.count; row++) {
    for (const flip of copies) {
      const image = datasetImage(dataset, row, { mode: config.mode, flip, proposals })
      const chips = chipImage(image, config, { seed, epoch, stride, negatives: proposals !== undefined })
      const all = [...chips.positives, ...chips.negatives]
      if (all.length > 0) entries.push({ row, flip, chips: all })
    }
  }
  const order = new Prng([seed, epoch, orderKey]).shuffle(Int32Array.from(entries.keys()))
  const shuffled = Array.from(order, (i) => entries[i])
  return { epoch, stride, entries: shuffled, chipCount: shuffled.reduce((n, e) => n + e.chips.length, 0) }
}

/** The plan's entries after its first `skip` chips (resuming in the middle of an epoch); see `PlannedImage.skip`. */
export function remainingEntries(plan: EpochPlan, skip: number): ReadonlyArray<PlannedImage> {
  const out: Array<PlannedImage> = []
  let left = skip
  for (const entry of plan.entries) {
    if (left >= entry.chips.length) {
      left -= entry.chips.length
      continue
    }
    out.push(left === 0 ? entry : { ...entry, skip: left })
    left = 0
  }
  return out
}
