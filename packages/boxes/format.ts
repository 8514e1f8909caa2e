import { boxCount, sameKind } from "./_check.ts"
import type { BoxArray, SameKind, WidthOptions } from "./types.ts"

/** (x, y, w, h) → (x1, y1, x2, y2), same element type; x2 = x + w (COCO boxes carry no +1). */
export function xywhToXyxy<T extends BoxArray>(b: T): SameKind<T> {
  const n = boxCount(b)
  const out = sameKind(b, n * 4)
  for (let k = 0; k < n * 4; k += 4) {
    out[k] = b[k]
    out[k + 1] = b[k + 1]
    out[k + 2] = b[k] + b[k + 2]
    out[k + 3] = b[k + 1] + b[k + 3]
  }
  return out
}

/** (x1, y1, x2, y2) → (x, y, w, h), same element type; w = x2 - x1. */
export function xyxyToXywh<T extends BoxArray>(b: T): SameKind<T> {
  const n = boxCount(b)
  const out = sameKind(b, n * 4)
  for (let k = 0; k < n * 4; k += 4) {
    out[k] = b[k]
    out[k + 1] = b[k + 1]
    out[k + 2] = b[k + 2] - b[k]
    out[k + 3] = b[k + 3] - b[k + 1]
  }
  return out
}

/** Areas of xyxy boxes in px²; a negative width or height counts as 0. */
export function areas(b: BoxArray, options?: WidthOptions): Float64Array {
  const n = boxCount(b)
  const off = options?.plusOne ? 1 : 0
  const out = new Float64Array(n)
  for (let i = 0, k = 0; i < n; i++, k += 4) {
    const w = b[k + 2] - b[k] + off
    const h = b[k + 3] - b[k + 1] + off
    out[i] = w > 0 && h > 0 ? w * h : 0
  }
  return out
}
