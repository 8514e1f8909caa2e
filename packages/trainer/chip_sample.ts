import type { ValidRange } from "@sniper/boxes"
import type { Chip } from "@sniper/chip-sampler"
import type { ChipTruth } from "@sniper/detector-model"

/**
 * A chip's ground truth as the detector takes it: the sampler's inclusive integer boxes become continuous
 * boxes (x2 + 1, y2 + 1: pixel x2 is covered up to x2 + 1), contiguous category c becomes class c + 1 (0 is
 * background), ignored boxes stay in with valid = 0 so they are never background.
 */
export function detectorTruth(chip: Chip): ChipTruth {
  const t = chip.truth
  const boxes = new Float32Array(4 * t.count)
  const classes = new Int32Array(t.count)
  for (let i = 0; i < t.count; i++) {
    boxes[4 * i] = t.boxes[4 * i]
    boxes[4 * i + 1] = t.boxes[4 * i + 1]
    boxes[4 * i + 2] = t.boxes[4 * i + 2] + 1
    boxes[4 * i + 3] = t.boxes[4 * i + 3] + 1
    classes[i] = t.category[i] + 1
  }
  return { boxes, classes, valid: t.valid.slice(0, t.count) }
}

/**
 * The chip's valid proposal area range [lo, hi) in chip px² (SNIPER.md section 5): its scale's valid range
 * times the chip's scale, squared; an unbounded low end is 0, an unbounded high end stays unbounded.
 */
export function chipAreaRange(chip: Chip, ranges: ReadonlyArray<ValidRange>): [number, number] {
  const [lo, hi] = ranges[chip.scaleIndex]
  return [lo === -1 ? 0 : (lo * chip.scale) ** 2, hi === -1 ? Number.POSITIVE_INFINITY : (hi * chip.scale) ** 2]
}
