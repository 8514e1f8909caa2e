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

/** Where the region lands in the chip: columns [0, width), rows [0, height); the rest is padding. */
interface Placement {
  readonly left: number
  readonly top: number
  readonly srcWidth: number
  readonly srcHeight: number
  readonly resizedWidth: number
  readonly resizedHeight: number
  readonly offsetX: number
  readonly offsetY: number
  readonly width: number
  readonly height: number
}

function place(image: DecodedImage, window: ChipWindow, size: number): Placement | undefined {
  const { scale } = window
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`Cannot cut chip: scale must be a positive finite number, current value is ${scale}`)
  }
  // The region clipped to the image (content goes top-left as in the reference), then unflipped.
  const fx1 = Math.max(0, window.x1)
  const fx2 = Math.min(image.width, window.x2)
  const y1 = Math.max(0, window.y1)
  const y2 = Math.min(image.height, window.y2)
  const x1 = window.flip ? image.width - fx2 : fx1
  const x2 = window.flip ? image.width - fx1 : fx2
  // Whole source pixels covering the region, resized by `scale`, then the region's sub-pixel start cut off.
  const left = Math.floor(x1)
  const top = Math.floor(y1)
  const srcWidth = Math.ceil(x2) - left
  const srcHeight = Math.ceil(y2) - top
  const resizedWidth = Math.max(1, Math.round(srcWidth * scale))
  const resizedHeight = Math.max(1, Math.round(srcHeight * scale))
  const startX = Math.min(Math.round((x1 - left) * scale), resizedWidth - 1)
  const offsetY = Math.min(Math.round((y1 - top) * scale), resizedHeight - 1)
  const fullWidth = Math.min(Math.round((x2 - x1) * scale), resizedWidth - startX)
  const width = Math.min(size, fullWidth)
  const height = Math.min(size, Math.round((y2 - y1) * scale), resizedHeight - offsetY)
  if (width <= 0 || height <= 0) return undefined
  // A flipped chip keeps the left of the flipped region, which is the right end in the stored frame.
  const offsetX = window.flip ? startX + fullWidth - width : startX
  return { left, top, srcWidth, srcHeight, resizedWidth, resizedHeight, offsetX, offsetY, width, height }
}

function normalizeInto(
  out: Float32Array,
  size: number,
  rgb: Uint8Array,
  box: { readonly width: number; readonly height: number; readonly flip: boolean },
  norm: Normalization,
): void {
  const { width, height, flip } = box
  const bgr = norm.order === "bgr"
  const [m0, m1, m2] = norm.mean
  const s0 = 1 / norm.std[0]
  const s1 = 1 / norm.std[1]
  const s2 = 1 / norm.std[2]
  for (let y = 0; y < height; y++) {
    let src = y * width * 3
    let dst = (y * size + (flip ? width - 1 : 0)) * 3
    const step = flip ? -3 : 3
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

/**
 * Cuts one chip from a decoded image in one sharp pipeline (extract, resize by the chip's scale, extract the
 * sub-pixel start), then normalizes it into a size x size x 3 Float32Array (HWC, one NHWC batch row) whose
 * padding at bottom/right is 0. Output pixel (c, r) shows the region at (x1 + (c + 0.5) / s, y1 + (r + 0.5) / s),
 * within half an output pixel (the sub-pixel start is rounded; libvips places enlarged pixels half an output
 * pixel right/down of cv2's centre alignment, shrinking is centre-aligned).
 */
export const cutChip = Effect.fn("cutChip")(function* (
  image: DecodedImage,
  window: ChipWindow,
  options: ChipOptions = {},
) {
  const size = options.size ?? 512
  if (!Number.isInteger(size) || size <= 0) {
    throw new RangeError(`Cannot cut chip: size must be a positive integer, current value is ${size}`)
  }
  const out = options.into ?? new Float32Array(size * size * 3)
  if (out.length !== size * size * 3) {
    throw new RangeError(`Cannot cut chip: into must hold size * size * 3 floats, current length is ${out.length}`)
  }
  if (options.into !== undefined) out.fill(0)
  const p = place(image, window, size)
  if (p === undefined) return out
  const rgb = yield* Effect.promise(() => {
    let pipeline = sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } }).extract({
      left: p.left,
      top: p.top,
      width: p.srcWidth,
      height: p.srcHeight,
    })
    if (p.resizedWidth !== p.srcWidth || p.resizedHeight !== p.srcHeight) {
      pipeline = pipeline.resize(p.resizedWidth, p.resizedHeight, { fit: "fill", kernel: options.kernel ?? "linear" })
    }
    if (p.offsetX !== 0 || p.offsetY !== 0 || p.width !== p.resizedWidth || p.height !== p.resizedHeight) {
      pipeline = pipeline.extract({ left: p.offsetX, top: p.offsetY, width: p.width, height: p.height })
    }
    return pipeline.raw().toBuffer()
  })
  const box = { width: p.width, height: p.height, flip: window.flip === true }
  normalizeInto(out, size, rgb, box, options.normalization ?? imagenetNormalization)
  return out
})

/** Cuts several chips (e.g. one image at several scales) from one decoded image, two sharp pipelines at a time. */
export function cutChips(image: DecodedImage, windows: ReadonlyArray<ChipWindow>, options: ChipOptions = {}) {
  return Effect.forEach(windows, (window) => cutChip(image, window, options), { concurrency: 2 })
}
