/**
 * The reference's candidate chips on one scaled image (docs/sniper.md section 2), inclusive scaled px, in this order:
 * three corner chips, the grid (x outer, y inner), the right-edge column (one per grid row), the bottom row
 * (one per grid column). Coordinates are computed on demand (`candidateBox`): nothing is allocated per image.
 */
export interface CandidateGrid {
  readonly width: number
  readonly height: number
  readonly chipSize: number
  readonly stride: number
  /** Grid columns (x = 0, d, 2d, .. < W - C) and rows. */
  readonly nx: number
  readonly ny: number
  readonly count: number
}

/** Index of the first grid candidate; corners come first. */
export const gridStart = 3

/**
 * Candidates of a `width x height` scaled image. Chips never leave the image; when the image is smaller than
 * the chip, the chips are the image itself. The corner chips are C + 1 px tall or wide as in the reference,
 * and the edge column / bottom row start at W - C - 1 / H - C - 1.
 */
export function candidateChips(
  width: number,
  height: number,
  options: { readonly chipSize: number; readonly stride: number },
): CandidateGrid {
  const { chipSize: c, stride: d } = options
  if (!(Number.isSafeInteger(d) && d > 0)) {
    throw new RangeError(`Cannot place chips: stride must be a positive integer, current value is ${d}`)
  }
  const nx = width - c > 0 ? Math.ceil((width - c) / d) : 0
  const ny = height - c > 0 ? Math.ceil((height - c) / d) : 0
  return { width, height, chipSize: c, stride: d, nx, ny, count: gridStart + nx * ny + ny + nx }
}

/** Candidate `k` as [x1, y1, x2, y2], inclusive scaled px. */
export function candidateBox(grid: CandidateGrid, k: number): [number, number, number, number] {
  const { width: w, height: h, chipSize: c, stride: d, nx, ny } = grid
  if (k === 0) return [Math.max(w - c, 0), 0, w - 1, Math.min(c, h - 1)]
  if (k === 1) return [0, Math.max(h - c, 0), Math.min(c, w - 1), h - 1]
  if (k === 2) return [Math.max(w - c, 0), Math.max(h - c, 0), w - 1, h - 1]
  const t = k - gridStart
  if (t < nx * ny) {
    const x = Math.floor(t / ny) * d
    const y = (t % ny) * d
    return [x, y, x + c - 1, y + c - 1]
  }
  if (t < nx * ny + ny) {
    const y = (t - nx * ny) * d
    return [Math.max(w - c - 1, 0), y, w - 1, y + c - 1]
  }
  if (t < nx * ny + ny + nx) {
    const x = (t - nx * ny - ny) * d
    return [x, Math.max(h - c - 1, 0), x + c - 1, h - 1]
  }
  throw new RangeError(`Cannot find candidate: index must be in [0, ${grid.count}), current value is ${k}`)
}

/** Every candidate, 4 numbers each (for pictures and tests). */
export function candidateBoxes(grid: CandidateGrid): Int32Array {
  const out = new Int32Array(4 * grid.count)
  for (let k = 0; k < grid.count; k++) out.set(candidateBox(grid, k), 4 * k)
  return out
}

/** Whether candidate `k` fully contains the box (x1, y1, x2, y2): the reference's `ignore_overlaps == 1`. */
export function candidateContains(
  grid: CandidateGrid,
  k: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): boolean {
  const b = candidateBox(grid, k)
  return b[0] <= x1 && b[1] <= y1 && x2 <= b[2] && y2 <= b[3]
}
