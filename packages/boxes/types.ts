/**
 * Flat box arrays: 4 numbers a box, row after row. (x1, y1, x2, y2) in pixels unless a name says xywh.
 * Float64Array keeps COCO's double coordinates exact; Float32Array matches what a tensor hands back.
 */
export type BoxArray = Float32Array | Float64Array

/** The array type a function returns for input `T`: Float32Array in, Float32Array out. */
export type SameKind<T extends BoxArray> = T extends Float32Array ? Float32Array : Float64Array

/** A size interval in original-image pixels; -1 on either end means unbounded (SNIPER's convention). */
export type ValidRange = readonly [lo: number, hi: number]

/** Width convention: `plusOne: true` is the reference code's inclusive pixels (w = x2 - x1 + 1); default false. */
export interface WidthOptions {
  readonly plusOne?: boolean | undefined
}
