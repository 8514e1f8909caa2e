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
