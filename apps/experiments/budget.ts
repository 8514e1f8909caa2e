import type { BudgetUnit } from "./experiment.ts"
import { addPixels, noPixels, type PixelTotals } from "./training_pixels.ts"

/** Epochs whose totals are computed before giving up: an arm this far below its budget is a mistake in the budget. */
const maxEpochs = 10_000

/**
 * The number of epochs whose total of `unit` comes closest to `target` (the smaller on a tie, at least one),
 * and each of those epochs' totals. `epochTotals(e)` gives epoch e's (0-based); it is called for epochs until
 * the total reaches the target, and once more at most.
 */
export function epochsFor(
  epochTotals: (epoch: number) => PixelTotals,
  options: { readonly target: number; readonly unit: BudgetUnit },
): { readonly epochs: number; readonly perEpoch: ReadonlyArray<PixelTotals> } {
  const { target, unit } = options
  if (!(Number.isFinite(target) && target > 0)) {
    throw new RangeError(`Cannot size the arm: the budget must be a positive number, current value is ${target}`)
  }
  const perEpoch: Array<PixelTotals> = []
  let sum = noPixels
  while (sum[unit] < target) {
    if (perEpoch.length === maxEpochs) {
      throw new RangeError(
        `Cannot size the arm: ${maxEpochs} epochs bring ${sum[unit]} ${unit}, short of the budget; current value is ${target}`,
      )
    }
    const next = epochTotals(perEpoch.length)
    if (!(next[unit] > 0)) {
      throw new RangeError(`Cannot size the arm: epoch ${perEpoch.length + 1} has no ${unit}, current value is 0`)
    }
    const below = sum[unit]
    sum = addPixels(sum, next)
    perEpoch.push(next)
    // Stop one epoch short when that total is at least as close to the target.
    if (sum[unit] >= target && perEpoch.length > 1 && target - below <= sum[unit] - target) perEpoch.pop()
  }
  return { epochs: perEpoch.length, perEpoch }
}
