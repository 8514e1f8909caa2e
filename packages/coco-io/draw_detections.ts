/** Pictures of detections: each box in its category's colour with a "name score" label, legible at any size. */
import { Effect } from "effect"
import { escapeXml, type ImageSource, overlaySizes, textWidth, writeOverlay } from "./draw_overlay.ts"

/** One image's detections: `count` boxes xyxy in its original px (continuous), category rows, scores. */
export interface DetectionsToDraw {
  readonly count: number
  readonly boxes: ArrayLike<number>
  readonly scores: ArrayLike<number>
  readonly categories: ArrayLike<number>
}

export interface DetectionLabels {
  /** Category names by row, for the labels. */
  readonly names: ReadonlyArray<string>
  /** Detections scoring below this are not drawn (default 0). */
  readonly minScore?: number
}

/** x, y of the top-left corner, width, height; image px. */
export interface Rect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** Where one detection is drawn: its box clipped to the image, and its label (a filled rectangle with the text). */
export interface DrawnDetection {
  /** The detection's index in the input. */
  readonly index: number
  readonly colour: string
  readonly box: Rect
  readonly label: Rect
  readonly text: { readonly content: string; readonly x: number; readonly y: number; readonly font: number }
  readonly textColour: string
}

/** Everything a picture draws, in drawing order (lowest score first, so the best boxes end on top). */
export interface DetectionLayout {
  readonly line: number
  readonly drawn: ReadonlyArray<DrawnDetection>
}

/**
 * The colour of category row `row`, "#rrggbb": saturated hues a golden angle apart, so neighbouring rows differ
 * most and any number of categories gets colours.
 */
export function categoryColour(row: number): string {
  if (!(Number.isInteger(row) && row >= 0)) {
    throw new RangeError(`Cannot pick a category colour: row must be a non-negative integer, current value is ${row}`)
  }
  const hue = (20 + row * 137.508) % 360
  const lightness = [0.5, 0.42, 0.6][Math.floor(row / 8) % 3]
  const a = Math.min(lightness, 1 - lightness)
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12
    const v = lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, "0")
  }
  return `#${channel(0)}${channel(8)}${channel(4)}`
}

/** Black on light colours, white on dark ones. */
function textColourOn(colour: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16))
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? "#000000" : "#ffffff"
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi)

/**
 * Lays out the detections scoring at least `minScore` on a `width` x `height` image: boxes clipped to it (boxes
 * with nothing inside are left out), labels above their box, or inside its top when there is no room above,
 * and always inside the image (a label wider than the image gets a smaller font, down to 6 px).
 */
export function detectionLayout(
  size: { readonly width: number; readonly height: number },
  detections: DetectionsToDraw,
  options: DetectionLabels,
): DetectionLayout {
  const { width, height } = size
  const { line, font } = overlaySizes(width, height)
  const minScore = options.minScore ?? 0
  const order: Array<number> = []
  for (let k = 0; k < detections.count; k++) if (detections.scores[k] >= minScore) order.push(k)
  order.sort((a, b) => detections.scores[a] - detections.scores[b] || b - a)
  const drawn: Array<DrawnDetection> = []
  for (const k of order) {
    const row = detections.categories[k]
    const name = options.names[row]
    if (name === undefined) {
      throw new RangeError(
        `Cannot draw detection ${k}: its category row must have a name (${options.names.length} given), current value is ${row}`,
      )
    }
    const [x1, y1, x2, y2] = [0, 1, 2, 3].map((c) => detections.boxes[4 * k + c])
    if (![x1, y1, x2, y2].every(Number.isFinite)) {
      throw new RangeError(`Cannot draw detection ${k}: its box must be finite, current value is ${[x1, y1, x2, y2]}`)
    }
    const [left, top] = [clamp(x1, 0, width), clamp(y1, 0, height)]
    const box = { x: left, y: top, width: clamp(x2, 0, width) - left, height: clamp(y2, 0, height) - top }
    if (!(box.width > 0 && box.height > 0)) continue
    const content = `${name} ${detections.scores[k].toFixed(2)}`
    let labelFont = font
    const fits = (f: number) => textWidth(content, f) + 2 * Math.round(0.3 * f)
    if (fits(font) > width) labelFont = Math.max(6, Math.floor((font * width) / fits(font)))
    const pad = Math.round(0.3 * labelFont)
    const labelWidth = Math.min(width, Math.ceil(fits(labelFont)))
    const labelHeight = Math.min(height, Math.ceil(1.3 * labelFont))
    const x = clamp(box.x, 0, width - labelWidth)
    const y = box.y >= labelHeight ? box.y - labelHeight : clamp(box.y, 0, height - labelHeight)
    const colour = categoryColour(row)
    drawn.push({
      index: k,
      colour,
      box,
      label: { x, y, width: labelWidth, height: labelHeight },
      // The baseline puts digits and descenders (0.73 em up, 0.24 em down) in the middle of the label.
      text: { content, x: x + pad, y: y + labelHeight / 2 + 0.245 * labelFont, font: labelFont },
      textColour: textColourOn(colour),
    })
  }
  return { line, drawn }
}

const n = (v: number) => String(Math.round(v * 10) / 10)

/**
 * The SVG of a layout: outlines drawn inside their box (so a box on the image's edge keeps its whole line; boxes
 * thinner than two lines are filled), then every label over all boxes.
 */
export function detectionSvg(
  size: { readonly width: number; readonly height: number },
  layout: DetectionLayout,
): string {
  const { line } = layout
  const parts: Array<string> = []
  for (const { box, colour } of layout.drawn) {
    parts.push(
      box.width > 2 * line && box.height > 2 * line
        ? `<rect x="${n(box.x + line / 2)}" y="${n(box.y + line / 2)}" width="${n(box.width - line)}" height="${n(box.height - line)}" fill="none" stroke="${colour}" stroke-width="${line}"/>`
        : `<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" fill="${colour}"/>`,
    )
  }
  for (const { label, text, colour, textColour } of layout.drawn) {
    parts.push(
      `<rect x="${n(label.x)}" y="${n(label.y)}" width="${n(label.width)}" height="${n(label.height)}" fill="${colour}"/>`,
      `<text x="${n(text.x)}" y="${n(text.y)}" font-family="DejaVu Sans, Verdana, sans-serif" font-size="${text.font}" fill="${textColour}">${escapeXml(text.content)}</text>`,
    )
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}">${parts.join("")}</svg>`
}

/**
 * Draws one image's detections (`detectionLayout`) and writes the picture to `out`: JPEG or PNG by its extension,
 * else JPEG for a JPEG image and PNG otherwise. Fails with `DrawError` naming the image and the picture.
 */
export const drawDetections = Effect.fn("drawDetections")(function* (
  source: ImageSource,
  detections: DetectionsToDraw,
  options: DetectionLabels & { readonly out: string },
) {
  let drawn = 0
  const picture = yield* writeOverlay(source, {
    out: options.out,
    overlay: (size) => {
      const layout = detectionLayout(size, detections, options)
      drawn = layout.drawn.length
      return detectionSvg(size, layout)
    },
  })
  return { ...picture, drawn }
})
