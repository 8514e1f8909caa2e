/**
 * What an arm trains on, counted from the trainer's epoch plans (the same chips its loop draws): chips, network
 * input pixels (every chip is a chipSize² canvas, padding included) and image pixels (the chips' windows on the
 * scaled images: what the pixels are not padding).
 */
import { chipImagePixels } from "@sniper/chip-sampler"
import type { EpochPlan } from "@sniper/trainer"

export interface PixelTotals {
  readonly chips: number
  readonly inputPixels: number
  readonly imagePixels: number
}

export const noPixels: PixelTotals = { chips: 0, inputPixels: 0, imagePixels: 0 }

/** The totals of one epoch's plan, chips of `chipSize` px a side. */
export function planPixels(plan: EpochPlan, chipSize: number): PixelTotals {
  let chips = 0
  let imagePixels = 0
  for (const entry of plan.entries) {
    for (const chip of entry.chips) {
      chips++
      imagePixels += chipImagePixels(chip, chipSize)
    }
  }
  return { chips, inputPixels: chips * chipSize * chipSize, imagePixels }
}

export function addPixels(a: PixelTotals, b: PixelTotals): PixelTotals {
  return {
    chips: a.chips + b.chips,
    inputPixels: a.inputPixels + b.inputPixels,
    imagePixels: a.imagePixels + b.imagePixels,
  }
}

export function sumPixels(totals: Iterable<PixelTotals>): PixelTotals {
  let sum = noPixels
  for (const t of totals) sum = addPixels(sum, t)
  return sum
}
