/**
 * The reference's candidate chips on one scaled image (SNIPER.md section 2), inclusive scaled px, in this order:
 * three corner chips, the grid (x outer, y inner), the right-edge column (one per grid row), the bottom row
 * (one per grid column). Candidate k is `boxes[4k .. 4k + 3]`.
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
  readonly boxes: Int32Array
}

/** Index of the first grid candidate; corners come first. */
export const gridStart = 3

// Candidate grids depend only on (W, H, C, d) and are never mutated: most images share a few sizes.
const cache = new Map<string, Map<number, CandidateGrid>>()
const cacheLimit = 4096

/**
 * Candidates of a `width x height` scaled image (memoised; the result is shared, never mutate it). Chips never leave the image; when the image is smaller than
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
  let sized = cache.get(`${c}/${d}`)
  if (sized === undefined) cache.set(`${c}/${d}`, (sized = new Map()))
  const key = width * 2 ** 26 + height
  const hit = sized.get(key)
  if (hit !== undefined) return hit
  if (sized.size >= cacheLimit) sized.clear()
  const nx = width - c > 0 ? Math.ceil((width - c) / d) : 0
  const ny = height - c > 0 ? Math.ceil((height - c) / d) : 0
  const count = gridStart + nx * ny + ny + nx
  const b = new Int32Array(4 * count)
  const put = (k: number, x1: number, y1: number, x2: number, y2: number) => {
    b[4 * k] = x1
    b[4 * k + 1] = y1
    b[4 * k + 2] = x2
    b[4 * k + 3] = y2
  }
  put(0, Math.max(width - c, 0), 0, width - 1, Math.min(c, height - 1))
  put(1, 0, Math.max(height - c, 0), Math.min(c, width - 1), height - 1)
  put(2, Math.max(width - c, 0), Math.max(height - c, 0), width - 1, height - 1)
  let k = gridStart
  for (let ix = 0; ix < nx; ix++) {
    for (let iy = 0; iy < ny; iy++) put(k++, ix * d, iy * d, ix * d + c - 1, iy * d + c - 1)
  }
  const edgeX = Math.max(width - c - 1, 0)
  for (let iy = 0; iy < ny; iy++) put(k++, edgeX, iy * d, width - 1, iy * d + c - 1)
  const edgeY = Math.max(height - c - 1, 0)
  for (let ix = 0; ix < nx; ix++) put(k++, ix * d, edgeY, ix * d + c - 1, height - 1)
  const grid = { width, height, chipSize: c, stride: d, nx, ny, count, boxes: b }
  sized.set(key, grid)
  return grid
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
  const b = grid.boxes
  const o = 4 * k
  return b[o] <= x1 && b[o + 1] <= y1 && x2 <= b[o + 2] && y2 <= b[o + 3]
}
