/** Ground truth of one chip in its input pixels: N boxes (x1, y1, x2, y2), classes 1..K, and a valid flag
 * (0 = the box is out of this chip's range: ignored, never background). */
export interface ChipTruth {
  readonly boxes: Float32Array
  readonly classes: Int32Array
  readonly valid: Uint8Array
}

/** Checks the three columns agree in length and classes lie in 1..numClasses. */
export function checkChipTruth(truth: ChipTruth, numClasses: number, chip: number): void {
  const n = truth.classes.length
  if (truth.boxes.length !== 4 * n || truth.valid.length !== n)
    throw new RangeError(
      `Cannot use chip ${chip} ground truth: boxes, classes and valid must describe the same boxes, current lengths are ${truth.boxes.length}, ${n}, ${truth.valid.length}`,
    )
  for (let i = 0; i < n; i++) {
    const c = truth.classes[i]
    if (!(c >= 1 && c <= numClasses))
      throw new RangeError(
        `Cannot use chip ${chip} ground truth: classes must be in 1..${numClasses}, current value is ${c}`,
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
