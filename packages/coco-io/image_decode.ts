import { readFile } from "node:fs/promises"
import { Effect } from "effect"
import sharp from "sharp"
import { BadImage, type BadImageReason } from "./image_error.ts"
import { resolveImagePath } from "./image_path.ts"

/** An image as the annotations name it; width and height (stored pixel grid), when given, are checked. */
export interface ImageRef {
  readonly imageId: number
  readonly fileName: string
  readonly width?: number
  readonly height?: number
}

/**
 * An image decoded once to 8-bit RGB, HWC (`pixels[(y * width + x) * 3 + c]`), in its stored pixel grid.
 * EXIF orientation is ignored on purpose: COCO boxes refer to the stored grid, as cv2/PIL loaders read it.
 */
export interface DecodedImage {
  readonly imageId: number
  readonly width: number
  readonly height: number
  readonly pixels: Uint8Array
}

export interface DecodeOptions {
  /** Refuse images whose width * height exceeds this (decompression bombs); default 50 million. */
  readonly maxPixels?: number
  /** How damaged pixel data may be before the image is refused (sharp's `failOn`); default "error". */
  readonly failOn?: "none" | "truncated" | "error" | "warning"
}

/** Default cap on width * height: 50 MP, about 150 MB of RGB; COCO images are under 0.4 MP. */
export const defaultMaxPixels = 50_000_000

function classify(detail: string): BadImageReason {
  if (/unsupported image format|not a known|bad seek|unknown file format/i.test(detail)) return "not-an-image"
  if (/pixel limit/i.test(detail)) return "too-large"
  return "corrupt"
}

/**
 * Decodes encoded image bytes to RGB: grayscale and CMYK become sRGB, an alpha channel is dropped (as cv2 and
 * PIL's `convert("RGB")` do), EXIF orientation is not applied.
 */
export const decodeImageBytes = Effect.fn("decodeImageBytes")(function* (
  bytes: Uint8Array,
  image: ImageRef,
  options: DecodeOptions = {},
) {
  const { imageId, fileName } = image
  const bad = (reason: BadImageReason, detail: string) => new BadImage({ imageId, file: fileName, reason, detail })
  if (bytes.length === 0) return yield* bad("corrupt", "the file is empty")
  const { data, info } = yield* Effect.tryPromise({
    try: () =>
      sharp(bytes, {
        limitInputPixels: options.maxPixels ?? defaultMaxPixels,
        failOn: options.failOn ?? "error",
        autoOrient: false,
      })
        .toColourspace("srgb")
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true }),
    catch: (cause) => {
      const detail = cause instanceof Error ? cause.message : String(cause)
      return bad(classify(detail), detail.replace(/\s+/g, " ").trim())
    },
  })
  if (info.channels !== 3) return yield* bad("corrupt", `decoded to ${info.channels} channels, expected 3`)
  if (
    (image.width !== undefined && image.width !== info.width) ||
    (image.height !== undefined && image.height !== info.height)
  ) {
    return yield* bad(
      "size-mismatch",
      `the file is ${info.width}x${info.height} but the annotations say ${image.width}x${image.height}`,
    )
  }
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length)
  return { imageId, width: info.width, height: info.height, pixels } satisfies DecodedImage
})

/** Resolves `image.fileName` safely under `root`, reads it and decodes it once (see `decodeImageBytes`). */
export const decodeImage = Effect.fn("decodeImage")(function* (
  root: string,
  image: ImageRef,
  options: DecodeOptions = {},
) {
  const path = yield* resolveImagePath(root, image)
  const bytes = yield* Effect.tryPromise({
    try: () => readFile(path),
    catch: (cause) =>
      new BadImage({
        imageId: image.imageId,
        file: image.fileName,
        reason: "unreadable",
        detail: `${path} cannot be read (${cause instanceof Error ? cause.message : String(cause)})`,
      }),
  })
  return yield* decodeImageBytes(bytes, image, options)
})
