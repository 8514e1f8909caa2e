import type { ChipTruth } from "@sniper/boxes"

/**
 * The classifier's class of a category row: class 0 is background, so category c (0..K-1) is class c + 1. The
 * one place the detector turns `ChipTruth`'s categories into its classes.
 */
export function classOfCategory(category: number): number {
  return category + 1
}

/** Checks the three columns agree in length, categories lie in 0..numClasses-1 and coordinates are finite. */
export function checkChipTruth(truth: ChipTruth, numClasses: number, chip: number): void {
  const n = truth.category.length
  if (truth.boxes.length !== 4 * n || truth.valid.length !== n)
    throw new RangeError(
      `Cannot use chip ${chip} ground truth: boxes, category and valid must describe the same boxes, current lengths are ${truth.boxes.length}, ${n}, ${truth.valid.length}`,
    )
  for (let i = 0; i < n; i++) {
    const c = truth.category[i]
    if (!(Number.isInteger(c) && c >= 0 && c < numClasses))
      throw new RangeError(
        `Cannot use chip ${chip} ground truth: category must be in 0..${numClasses - 1}, current value is ${c}`,
      )
    for (let k = 0; k < 4; k++)
      if (!Number.isFinite(truth.boxes[4 * i + k]))
        throw new RangeError(`Cannot use chip ${chip} ground truth: box ${i} has a non-finite coordinate`)
  }
}

/** The valid boxes only. */
export function validBoxes(truth: ChipTruth): Float32Array {
  let n = 0
  for (const v of truth.valid) if (v) n++
  const out = new Float32Array(4 * n)
  let k = 0
  for (let i = 0; i < truth.valid.length; i++)
    if (truth.valid[i]) {
      out.set(truth.boxes.subarray(4 * i, 4 * i + 4), 4 * k)
      k++
    }
  return out
}
