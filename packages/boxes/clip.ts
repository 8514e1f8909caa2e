import { boxCount, checkFinite, sameKind } from "./_check.ts"
import type { BoxArray, SameKind, WidthOptions } from "./types.ts"

function clipInto(b: BoxArray, out: BoxArray, width: number, height: number, options?: WidthOptions): void {
  const n = boxCount(b)
  checkFinite("width", width, "clip boxes")
  checkFinite("height", height, "clip boxes")
  const off = options?.plusOne ? 1 : 0
  const maxX = Math.max(width - off, 0)
  const maxY = Math.max(height - off, 0)
  for (let k = 0; k < n * 4; k += 4) {
    const x1 = b[k]
    const y1 = b[k + 1]
    const x2 = b[k + 2]
    const y2 = b[k + 3]
    out[k] = x1 < 0 ? 0 : Math.min(x1, maxX)
    out[k + 1] = y1 < 0 ? 0 : Math.min(y1, maxY)
    out[k + 2] = x2 < 0 ? 0 : Math.min(x2, maxX)
    out[k + 3] = y2 < 0 ? 0 : Math.min(y2, maxY)
  }
}

/**
 * xyxy boxes clamped into a `width x height` image: coordinates in [0, width] x [0, height], or
 * [0, width - 1] x [0, height - 1] with `plusOne` (the reference's inclusive last pixel). Returns a new array.
 */
export function clipBoxes<T extends BoxArray>(
  b: T,
  width: number,
  height: number,
  options?: WidthOptions,
): SameKind<T> {
  const out = sameKind(b, b.length)
  clipInto(b, out, width, height, options)
  return out
}

/** {@link clipBoxes} writing into `b` itself (no allocation); returns `b`. */
export function clipBoxesInPlace<T extends BoxArray>(b: T, width: number, height: number, options?: WidthOptions): T {
  clipInto(b, b, width, height, options)
  return b
}
