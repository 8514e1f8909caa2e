import type { BoxArray, SameKind } from "./types.ts"

/** Number of boxes in a flat array; throws when its length is not a multiple of 4. */
export function boxCount(b: BoxArray): number {
  if (b.length % 4 !== 0) {
    throw new RangeError(`Cannot read boxes: length must be a multiple of 4, current value is ${b.length}`)
  }
  return b.length >> 2
}

/** Throws when `values` does not hold one entry per box. */
export function checkPerBox(what: string, values: ArrayLike<unknown>, count: number, verb = "use"): void {
  if (values.length !== count) {
    throw new RangeError(
      `Cannot ${verb} ${what}: expected one per box (${count}), current value is ${values.length} entries`,
    )
  }
}

/** Throws unless `value` is a finite number (NaN, Infinity refused). */
export function checkFinite(what: string, value: number, verb: string): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Cannot ${verb}: ${what} must be a finite number, current value is ${value}`)
  }
}

/** A new array of the same element type as `like`. */
export function sameKind<T extends BoxArray>(like: T, length: number): SameKind<T> {
  return (like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length)) as SameKind<T>
}

/** Throws unless `value` lies in [0, 1] (an IoU threshold). */
export function checkUnitInterval(what: string, value: number, verb: string): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`Cannot ${verb}: ${what} must be in [0, 1], current value is ${value}`)
  }
}

/** Throws unless `value` is a non-negative integer or Infinity (an output cap). */
export function checkCap(what: string, value: number, verb: string): void {
  if (!(value >= 0 && (Number.isInteger(value) || value === Number.POSITIVE_INFINITY))) {
    throw new RangeError(`Cannot ${verb}: ${what} must be a non-negative integer, current value is ${value}`)
  }
}

/** Throws at the first NaN score, naming its index. */
export function checkScoresNotNaN(scores: ArrayLike<number>, verb: string): void {
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      throw new RangeError(`Cannot ${verb}: scores must not be NaN, current value is NaN at index ${i}`)
    }
  }
}

/** Throws at the first NaN coordinate, naming its box. */
export function checkBoxesNotNaN(boxes: BoxArray, verb: string): void {
  for (let k = 0; k < boxes.length; k++) {
    if (Number.isNaN(boxes[k])) {
      throw new RangeError(`Cannot ${verb}: boxes must not contain NaN, current value is NaN at box ${k >> 2}`)
    }
  }
}
