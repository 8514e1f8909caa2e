import { Effect } from "effect"
import sharp from "sharp"
import type { DecodedImage } from "./image_decode.ts"
import { imagenetNormalization, type Normalization } from "./image_normalization.ts"

/**
 * One chip to cut: the region (x1, y1, x2, y2) in original-image pixels, continuous coordinates (pixel i spans
 * [i, i + 1)), in the frame of the horizontally flipped image when `flip` is set; `scale` is output px per
 * original px (SNIPER's s).
 */
export interface ChipWindow {
  readonly x1: number
  readonly y1: number
  readonly x2: number
  readonly y2: number
  readonly scale: number
  readonly flip?: boolean
}

export interface ChipOptions {
  /** Side of the square output in px; default 512. */
  readonly size?: number
  /** Default ImageNet mean/std in RGB; `caffeBgrNormalization` is the reference's. */
  readonly normalization?: Normalization
  /** Resampling kernel of the resize; default "linear" (bilinear, as the reference's cv2.INTER_LINEAR). */
  readonly kernel?: "nearest" | "linear" | "cubic" | "lanczos3"
  /** Write into this size x size x 3 view (e.g. one row of an NHWC batch) instead of a new array. */
  readonly into?: Float32Array
}

/** Whole source pixels (stored frame) that a sharp pipeline extracts and resizes. */
interface Rect {
  readonly left: number
  readonly top: number
  readonly width: number
  readonly height: number
}

/** A window clipped to the image (content goes top-left as in the reference), in the stored (unflipped) frame. */
interface Region {
  readonly x1: number
  readonly y1: number
  readonly x2: number
  readonly y2: number
}

function regionOf(image: DecodedImage, window: ChipWindow): Region | undefined {
  const { scale } = window
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`Cannot cut chip: scale must be a positive finite number, current value is ${scale}`)
  }
  const fx1 = Math.max(0, window.x1)
  const fx2 = Math.min(image.width, window.x2)
  const y1 = Math.max(0, window.y1)
  const y2 = Math.min(image.height, window.y2)
  if (!(fx2 > fx1 && y2 > y1)) return undefined
  return window.flip ? { x1: image.width - fx2, y1, x2: image.width - fx1, y2 } : { x1: fx1, y1, x2: fx2, y2 }
}

function covering(r: Region): Rect {
  const left = Math.floor(r.x1)
  const top = Math.floor(r.y1)
  return { left, top, width: Math.ceil(r.x2) - left, height: Math.ceil(r.y2) - top }
}

/** The size in px that `width` x `height` px take once `cutChip` resizes them by `scale` (at least 1 px a side). */
export function resizedSize(width: number, height: number, scale: number): readonly [number, number] {
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))]
}

/** Where a chip's pixels sit in `src` resized by `scale`: columns [x, x + width), rows [y, y + height). */
interface Placement {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

function place(r: Region, window: ChipWindow, src: Rect, size: number): Placement | undefined {
  const { scale } = window
  const [resizedWidth, resizedHeight] = resizedSize(src.width, src.height, scale)
  const startX = Math.min(Math.round((r.x1 - src.left) * scale), resizedWidth - 1)
  const y = Math.min(Math.round((r.y1 - src.top) * scale), resizedHeight - 1)
  const fullWidth = Math.min(Math.round((r.x2 - r.x1) * scale), resizedWidth - startX)
  const width = Math.min(size, fullWidth)
  const height = Math.min(size, Math.round((r.y2 - r.y1) * scale), resizedHeight - y)
  if (width <= 0 || height <= 0) return undefined
  // A flipped chip keeps the left of the flipped region, which is the right end in the stored frame.
  return { x: window.flip ? startX + fullWidth - width : startX, y, width, height }
}

/**
 * Writes the placed pixels of `rgb` (rows of `stride` RGB pixels) normalized into the top-left of a
 * size x size x 3 HWC chip, mirrored horizontally when `flip`.
 */
function normalizeInto(
  out: Float32Array,
  size: number,
  rgb: Uint8Array,
  stride: number,
  p: Placement & { readonly flip: boolean },
  norm: Normalization,
): void {
  const { width, height, flip } = p
  const bgr = norm.order === "bgr"
  const [m0, m1, m2] = norm.mean
  const s0 = 1 / norm.std[0]
  const s1 = 1 / norm.std[1]
  const s2 = 1 / norm.std[2]
  const step = flip ? -3 : 3
  for (let y = 0; y < height; y++) {
    let src = ((p.y + y) * stride + p.x) * 3
    let dst = (y * size + (flip ? width - 1 : 0)) * 3
    for (let x = 0; x < width; x++, src += 3, dst += step) {
      const r = rgb[src]
      const g = rgb[src + 1]
      const b = rgb[src + 2]
      out[dst] = ((bgr ? b : r) - m0) * s0
      out[dst + 1] = (g - m1) * s1
      out[dst + 2] = ((bgr ? r : b) - m2) * s2
    }
  }
}

/** One sharp pipeline: extract `src` from the decoded pixels and resize it by `scale`. */
function resized(image: DecodedImage, src: Rect, scale: number, kernel: ChipOptions["kernel"]) {
  const [width, height] = resizedSize(src.width, src.height, scale)
  return Effect.promise(() => {
    const pipeline = sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } }).extract(
      src,
    )
    return (
      width === src.width && height === src.height
        ? pipeline
        : pipeline.resize(width, height, { fit: "fill", kernel: kernel ?? "linear" })
    )
      .raw()
      .toBuffer()
  }).pipe(Effect.map((rgb) => ({ rgb, stride: width })))
}

/** One resize shared by the chips it serves. */
interface Job {
  readonly src: Rect
  readonly scale: number
  readonly chips: ReadonlyArray<{ readonly index: number; readonly region: Region }>
}

/**
 * Groups chips of one scale into one resize of their union when that union costs at most 1.5 times the pixels
 * of resizing each chip's own area (dense grids, overlapping chips); otherwise each chip gets its own resize.
 */
function plan(image: DecodedImage, windows: ReadonlyArray<ChipWindow>): Array<Job> {
  const byScale = new Map<number, Array<{ index: number; region: Region }>>()
  windows.forEach((window, index) => {
    const region = regionOf(image, window)
    if (region === undefined) return
    const group = byScale.get(window.scale) ?? []
    group.push({ index, region })
    byScale.set(window.scale, group)
  })
  const jobs: Array<Job> = []
  for (const [scale, chips] of byScale) {
    const rects = chips.map((c) => covering(c.region))
    const left = Math.min(...rects.map((r) => r.left))
    const top = Math.min(...rects.map((r) => r.top))
    const right = Math.max(...rects.map((r) => r.left + r.width))
    const bottom = Math.max(...rects.map((r) => r.top + r.height))
    const own = rects.reduce((sum, r) => sum + r.width * r.height, 0)
    if (chips.length > 1 && (right - left) * (bottom - top) <= 1.5 * own) {
      jobs.push({ src: { left, top, width: right - left, height: bottom - top }, scale, chips })
    } else {
      for (const [i, chip] of chips.entries()) jobs.push({ src: rects[i], scale, chips: [chip] })
    }
  }
  return jobs
}

/**
 * Cuts chips (e.g. one image at several scales, flipped or not) from one decoded image: per scale, sharp extracts
 * and resizes either each chip's region or, for dense chips, their union once; the chips' pixels are then
 * normalized into size x size x 3 Float32Arrays (HWC, NHWC batch rows) whose padding at bottom/right is 0.
 * Output pixel (c, r) shows the region at (x1 + (c + 0.5) / s, y1 + (r + 0.5) / s), within half an output pixel
 * (region starts are rounded; libvips places enlarged pixels half an output pixel right/down of cv2's centre
 * alignment, shrinking is centre-aligned). With `into` (windows.length chips back to back, e.g. an NHWC batch),
 * chip i is written to its i-th slice: reusing one buffer is ~3x cheaper than a fresh 3 MB array per chip.
 */
export const cutChips = Effect.fn("cutChips")(function* (
  image: DecodedImage,
  windows: ReadonlyArray<ChipWindow>,
  options: ChipOptions = {},
) {
  const size = options.size ?? 512
  if (!Number.isInteger(size) || size <= 0) {
    throw new RangeError(`Cannot cut chip: size must be a positive integer, current value is ${size}`)
  }
  const floats = size * size * 3
  const { into } = options
  if (into !== undefined && into.length < windows.length * floats) {
    throw new RangeError(
      `Cannot cut chips: into must hold ${windows.length} chips of ${floats} floats, current length is ${into.length}`,
    )
  }
  const outs = windows.map((_, i) => {
    if (into === undefined) return new Float32Array(floats)
    const out = into.subarray(i * floats, (i + 1) * floats)
    out.fill(0)
    return out
  })
  const norm = options.normalization ?? imagenetNormalization
  yield* Effect.forEach(
    plan(image, windows),
    (job) =>
      Effect.map(resized(image, job.src, job.scale, options.kernel), ({ rgb, stride }) => {
        for (const { index, region } of job.chips) {
          const window = windows[index]
          const p = place(region, window, job.src, size)
          if (p !== undefined) normalizeInto(outs[index], size, rgb, stride, { ...p, flip: window.flip === true }, norm)
        }
      }),
    { concurrency: 2, discard: true },
  )
  return outs
})

/** Cuts one chip; see `cutChips`. With `into`, writes into that size x size x 3 view and returns it. */
export const cutChip = Effect.fn("cutChip")(function* (
  image: DecodedImage,
  window: ChipWindow,
  options: ChipOptions = {},
) {
  const size = options.size ?? 512
  if (options.into !== undefined && options.into.length !== size * size * 3) {
    throw new RangeError(
      `Cannot cut chip: into must hold size * size * 3 floats, current length is ${options.into.length}`,
    )
  }
  const [out] = yield* cutChips(image, [window], options)
  return options.into ?? out
})
