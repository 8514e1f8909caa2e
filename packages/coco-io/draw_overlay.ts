/** Pictures: an SVG overlay composited over an image by sharp (librsvg renders its text), sized to stay legible. */
import { writeFile } from "node:fs/promises"
import { extname } from "node:path"
import { Effect, Schema } from "effect"
import sharp from "sharp"
import { type DecodedImage, defaultMaxPixels } from "./image_decode.ts"

/** An image to draw on: a file path, the file's encoded bytes, or RGB pixels from `decodeImage`. */
export type ImageSource = string | Uint8Array | Pick<DecodedImage, "width" | "height" | "pixels">

/** A picture could not be drawn: its image could not be read, or the picture could not be written. */
export class DrawError extends Schema.TaggedError<DrawError>()("DrawError", {
  /** The picture being written. */
  file: Schema.String,
  /** The image drawn on, as `describeSource` names it. */
  source: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot draw ${this.source} into "${this.file}": ${this.problem}`
  }
}

/** Stroke width and font size in image px. */
export interface OverlaySizes {
  readonly line: number
  readonly font: number
}

/**
 * Sizes that look the same at any image size: a picture is viewed fitted to a screen, so they grow with the long
 * side (2 px lines and 13 px text at 640 px), never below what reads at 1:1, and shrink only for images too small
 * to hold them.
 */
export function overlaySizes(width: number, height: number): OverlaySizes {
  if (!(width >= 1 && height >= 1)) {
    throw new RangeError(
      `Cannot size an overlay: the image must be at least 1x1 px, current value is ${width}x${height}`,
    )
  }
  const long = Math.max(width, height)
  const short = Math.min(width, height)
  return {
    line: Math.min(Math.max(2, Math.round(long / 320)), Math.max(1, Math.floor(short / 8))),
    font: Math.min(Math.max(11, Math.round(long / 48)), Math.max(6, Math.floor(short / 2.5))),
  }
}

// Advance widths (em) of DejaVu Sans, the usual sans-serif of fontconfig, rounded up per class of glyph; other
// sans-serif fonts are narrower, so labels sized with them never clip their text.
const narrow = new Set("fijlrtI!'.,:;|()[]/\\ ")
const wide = new Set("mwMW@%")

/** The width in px of `text` set in sans-serif at `font` px (an upper estimate: librsvg cannot measure for us). */
export function textWidth(text: string, font: number): number {
  let em = 0
  for (const ch of text) {
    const ascii = ch.length === 1 && ch.charCodeAt(0) < 128
    em += !ascii ? 1 : narrow.has(ch) ? 0.42 : wide.has(ch) ? 1 : /[A-Z#&+<=>^~]/.test(ch) ? 0.84 : 0.64
  }
  return em * font
}

/** `text` safe inside SVG text or an attribute: markup characters escaped, characters XML 1.0 forbids dropped. */
export function escapeXml(text: string): string {
  const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" }
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/[&<>"']/g, (ch) => entities[ch])
  )
}

/** How a `DrawError` names the image drawn on. */
export function describeSource(source: ImageSource): string {
  if (typeof source === "string") return `on "${source}"`
  if (source instanceof Uint8Array) return `on an encoded image of ${source.length} bytes`
  return `on a decoded ${source.width}x${source.height} image`
}

/** The picture's format: by the output file's extension (.jpg, .jpeg, .png), else JPEG for a JPEG image, else PNG. */
export function pictureFormat(out: string, sourceFormat: string | undefined): "jpeg" | "png" {
  const ext = extname(out).toLowerCase()
  if (ext === ".jpg" || ext === ".jpeg") return "jpeg"
  if (ext === ".png") return "png"
  return sourceFormat === "jpeg" ? "jpeg" : "png"
}

/**
 * Draws the SVG `overlay(size)` over the image (in its stored pixel grid, EXIF orientation not applied, as boxes
 * refer to it) and writes the picture to `out`, by default in `pictureFormat`'s format. `palette` makes PNGs of
 * flat drawings small.
 */
export const writeOverlay = Effect.fn("writeOverlay")(function* (
  source: ImageSource,
  options: {
    readonly out: string
    readonly overlay: (size: { readonly width: number; readonly height: number }) => string
    /** Overrides `pictureFormat`'s choice. */
    readonly format?: "jpeg" | "png"
    readonly palette?: boolean
  },
) {
  const { out } = options
  const fail = (cause: unknown) =>
    new DrawError({
      file: out,
      source: describeSource(source),
      problem: (cause instanceof Error ? cause.message : String(cause)).replace(/\s+/g, " ").trim(),
    })
  const { pixels, width, height, sourceFormat } = yield* Effect.tryPromise({
    try: async () => {
      if (typeof source !== "string" && !(source instanceof Uint8Array)) {
        return { ...source, sourceFormat: undefined }
      }
      const image = sharp(source, { autoOrient: false, limitInputPixels: defaultMaxPixels })
      const { format } = await image.metadata()
      // sRGB without alpha first, so that grey, CMYK and 16-bit images take a colour drawing alike.
      const { data, info } = await image.toColourspace("srgb").removeAlpha().raw().toBuffer({ resolveWithObject: true })
      return { pixels: data, width: info.width, height: info.height, sourceFormat: format }
    },
    catch: fail,
  })
  const format = options.format ?? pictureFormat(out, sourceFormat)
  const svg = yield* Effect.sync(() => Buffer.from(options.overlay({ width, height })))
  const encoded = yield* Effect.tryPromise({
    try: () => {
      const drawn = sharp(pixels, { raw: { width, height, channels: 3 } }).composite([{ input: svg, left: 0, top: 0 }])
      return (
        format === "jpeg"
          ? drawn.jpeg({ quality: 90 })
          : drawn.png(options.palette ? { palette: true, quality: 90, compressionLevel: 9 } : {})
      ).toBuffer()
    },
    catch: fail,
  })
  yield* Effect.tryPromise({ try: () => writeFile(out, encoded), catch: fail })
  return { file: out, format, width, height }
})
