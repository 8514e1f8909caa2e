import { boxCount, checkFinite } from "./_check.ts"
import type { BoxArray, ValidRange } from "./types.ts"

/** SNIPER's box size sqrt((x2 - x1) (y2 - y1)) in the box's pixels, no +1; 0 for an empty box. */
export function boxSize(b: BoxArray, i: number): number {
  const k = 4 * i
  if (!(Number.isInteger(i) && i >= 0 && k + 3 < b.length)) {
    throw new RangeError(`Cannot measure box: index must be in [0, ${b.length >> 2}), current value is ${i}`)
  }
  const w = b[k + 2] - b[k]
  const h = b[k + 3] - b[k + 1]
  return w > 0 && h > 0 ? Math.sqrt(w * h) : 0
}

/**
 * {@link boxSize} of every box. `truncate: true` first truncates w and h to integers, as the reference chip
 * generator does (`astype(np.int32)`) when it selects boxes per scale.
 */
export function boxSizes(b: BoxArray, options?: { readonly truncate?: boolean | undefined }): Float64Array {
  const n = boxCount(b)
  const out = new Float64Array(n)
  const truncate = options?.truncate === true
  for (let i = 0, k = 0; i < n; i++, k += 4) {
    let w = b[k + 2] - b[k]
    let h = b[k + 3] - b[k + 1]
    if (truncate) {
      w = Math.trunc(w)
      h = Math.trunc(h)
    }
    out[i] = w > 0 && h > 0 ? Math.sqrt(w * h) : 0
  }
  return out
}

/**
 * Whether `size` lies in `range` (original px, -1 = unbounded end). `interval` picks the closed ends: `"[)"`
 * (default; SNIPER training ranges), `"(]"` (test-time ranges), `"[]"` (the reference's chip assignment).
 */
export function inValidRange(
  size: number,
  range: ValidRange,
  options?: { readonly interval?: "[)" | "(]" | "[]" | undefined },
): boolean {
  const [lo, hi] = range
  const interval = options?.interval ?? "[)"
  const aboveLo = lo === -1 || (interval === "(]" ? size > lo : size >= lo)
  const belowHi = hi === -1 || (interval === "[)" ? size < hi : size <= hi)
  return aboveLo && belowHi
}

/** Python 3 / numpy rounding: halves go to the even neighbour (np.round(2.5) = 2). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/**
 * Scale factor for a `(short, long)` resolution, as docs/sniper.md section 1 and the reference `im_worker`:
 * s = short / min(W, H); if round(s max(W, H)) > long then s = long / max(W, H). short = -1 means
 * s = long / max(W, H); long = -1 means no cap on the long side.
 */
export function scaleForResolution(width: number, height: number, short: number, long: number): number {
  checkImageSize(width, height, "compute scale")
  if (short === -1 && long === -1) {
    throw new RangeError("Cannot compute scale: short and long cannot both be -1, current value is (-1, -1)")
  }
  for (const [name, v] of [
    ["short", short],
    ["long", long],
  ] as const) {
    if (v !== -1 && !(Number.isFinite(v) && v > 0)) {
      throw new RangeError(`Cannot compute scale: ${name} must be positive or -1, current value is ${v}`)
    }
  }
  const minSide = Math.min(width, height)
  const maxSide = Math.max(width, height)
  if (short === -1) return long / maxSide
  const s = short / minSide
  return long !== -1 && roundHalfEven(s * maxSide) > long ? long / maxSide : s
}

/** Factor-form scale that fits the long side to `longSide` px (SNIPER's coarsest scale: 512 / max(W, H)). */
export function fitScale(width: number, height: number, longSide: number): number {
  checkImageSize(width, height, "compute scale")
  if (!(Number.isFinite(longSide) && longSide > 0)) {
    throw new RangeError(`Cannot compute scale: longSide must be positive, current value is ${longSide}`)
  }
  return longSide / Math.max(width, height)
}

/** Image size after scaling by `s`: [int(W s), int(H s)] with truncation, as the reference. */
export function scaledSize(width: number, height: number, s: number): [width: number, height: number] {
  checkImageSize(width, height, "scale image size")
  checkFinite("scale", s, "scale image size")
  return [Math.trunc(width * s), Math.trunc(height * s)]
}

function checkImageSize(width: number, height: number, verb: string): void {
  if (!(Number.isFinite(width) && width > 0 && Number.isFinite(height) && height > 0)) {
    throw new RangeError(`Cannot ${verb}: image size must be positive, current value is ${width}x${height}`)
  }
}
