import { DrawError, overlaySizes, writeOverlay } from "@sniper/coco-io"
import { Effect } from "effect"
import type { ImageBoxes, ImageChips } from "./types.ts"

/** A picture of chips that could not be read or written (coco-io's, shared by every picture). */
export { DrawError }

// One colour per scale (finest first), then the box colours; negative chips are dashed in their scale's colour.
const scaleColours = ["#ff8c00", "#00bfff", "#ff00ff", "#ffd700", "#7cfc00"]
const validColour = "#00ff66"
const ignoredColour = "#ff3030"

/**
 * The SVG overlay of one image: its boxes (green: valid in some chip, red dashed: ignored everywhere), its
 * chips (one colour per scale; negative chips dashed) and a legend. Original px; `image` must not be flipped.
 */
export function chipOverlay(image: ImageBoxes, chips: ImageChips, scaleLabels: ReadonlyArray<string>): string {
  const valid = new Set<number>()
  for (const c of [...chips.positives, ...chips.negatives]) {
    for (let k = 0; k < c.truth.valid.length; k++) if (c.truth.valid[k] === 1) valid.add(c.truth.box[k])
  }
  const parts: Array<string> = []
  const rect = (x1: number, y1: number, x2: number, y2: number, style: string) =>
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${(x2 - x1 + 1).toFixed(1)}" height="${(y2 - y1 + 1).toFixed(1)}" fill="none" ${style}/>`,
    )
  const { line, font: size } = overlaySizes(image.width, image.height)
  for (const c of [...chips.positives, ...chips.negatives]) {
    const colour = scaleColours[c.scaleIndex % scaleColours.length]
    const dash = c.negative ? ` stroke-dasharray="${4 * line},${2 * line}"` : ""
    rect(
      c.x1,
      c.y1,
      Math.min(c.x2, image.width - 1),
      Math.min(c.y2, image.height - 1),
      `stroke="${colour}" stroke-width="${line}"${dash}`,
    )
  }
  for (let j = 0; j < image.boxes.length >> 2; j++) {
    const b = image.boxes.subarray(4 * j, 4 * j + 4)
    const style = valid.has(j)
      ? `stroke="${validColour}" stroke-width="${line}"`
      : `stroke="${ignoredColour}" stroke-width="${line}" stroke-dasharray="${line},${line}"`
    rect(b[0], b[1], b[2], b[3], style)
  }
  const legend: Array<[string, string, boolean]> = [
    ...scaleLabels.map((label, i): [string, string, boolean] => [
      scaleColours[i % scaleColours.length],
      `chip at ${label}`,
      false,
    ]),
    ["#ffffff", "negative chip (dashed)", true],
    [validColour, "box valid in a chip", false],
    [ignoredColour, "box ignored (dashed)", true],
  ]
  const pad = Math.round(size / 2)
  const boxWidth = Math.round(size * 13)
  parts.push(
    `<rect x="0" y="0" width="${boxWidth}" height="${legend.length * (size + pad) + pad}" fill="black" fill-opacity="0.6"/>`,
  )
  legend.forEach(([colour, label, dashed], k) => {
    const y = pad + k * (size + pad)
    const dash = dashed ? ` stroke-dasharray="${size / 3},${size / 6}"` : ""
    parts.push(
      `<line x1="${pad}" y1="${y + size / 2}" x2="${pad + 2 * size}" y2="${y + size / 2}" stroke="${colour}" stroke-width="${line}"${dash}/>`,
      `<text x="${pad + 2.5 * size}" y="${y + 0.85 * size}" font-family="sans-serif" font-size="${size}" fill="white">${label}</text>`,
    )
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}">${parts.join("")}</svg>`
}

/**
 * Draws `chipOverlay` over the image file and writes a PNG (palette-quantised to stay small). Chips reaching
 * beyond the image (the zero padding) are clipped to it.
 */
export const drawChips = Effect.fn("drawChips")(function* (
  imagePath: string,
  out: string,
  picture: { readonly image: ImageBoxes; readonly chips: ImageChips; readonly scaleLabels: ReadonlyArray<string> },
) {
  return yield* writeOverlay(imagePath, {
    out,
    overlay: () => chipOverlay(picture.image, picture.chips, picture.scaleLabels),
    format: "png",
    palette: true,
  })
})
