import { Effect } from "effect"
import sharp from "sharp"
import type { Fill, Rgb, Scene } from "./synth_scene.ts"
import { shapePath } from "./synth_shapes.ts"

const hex = ([r, g, b]: Rgb) => `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`
const n2 = (v: number) => (Math.round(v * 100) / 100).toString()

/**
 * A gradient for `fill` centred at (cx, cy), in user space. Stripes and rings are repeating gradients with hard
 * stops: librsvg draws those fast, while `<pattern>` and `feTurbulence` cost hundreds of ms an image.
 */
function gradient(
  id: string,
  fill: Exclude<Fill, { kind: "solid" }>,
  center: readonly [number, number],
  reach: number,
) {
  const [a, b] = fill.colors.map(hex)
  const [cx, cy] = center
  if (fill.kind === "rings") {
    const stops = `<stop offset="0" stop-color="${a}"/><stop offset=".5" stop-color="${a}"/><stop offset=".5" stop-color="${b}"/><stop offset="1" stop-color="${b}"/>`
    return `<radialGradient id="${id}" gradientUnits="userSpaceOnUse" cx="${n2(cx)}" cy="${n2(cy)}" r="${n2(fill.period)}" spreadMethod="repeat">${stops}</radialGradient>`
  }
  const half = fill.kind === "stripes" ? fill.period / 2 : reach
  const dx = Math.cos(fill.angle) * half
  const dy = Math.sin(fill.angle) * half
  const ends = `x1="${n2(cx - dx)}" y1="${n2(cy - dy)}" x2="${n2(cx + dx)}" y2="${n2(cy + dy)}"`
  if (fill.kind === "linear") {
    return `<linearGradient id="${id}" gradientUnits="userSpaceOnUse" ${ends}><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient>`
  }
  const stops = `<stop offset="0" stop-color="${a}"/><stop offset=".5" stop-color="${a}"/><stop offset=".5" stop-color="${b}"/><stop offset="1" stop-color="${b}"/>`
  return `<linearGradient id="${id}" gradientUnits="userSpaceOnUse" ${ends} spreadMethod="repeat">${stops}</linearGradient>`
}

/** The SVG of a scene: background (the PNG `background`, stretched, when given), clutter, objects in order. */
export function sceneSvg(scene: Scene, background?: Uint8Array): string {
  const defs: Array<string> = []
  const body: Array<string> = []
  const paint = (fill: Fill, center: readonly [number, number], reach: number) => {
    if (fill.kind === "solid") return hex(fill.color)
    const id = `g${defs.length}`
    defs.push(gradient(id, fill, center, reach))
    return `url(#${id})`
  }
  const { width, height } = scene
  const middle = [width / 2, height / 2] as const
  if (background !== undefined) {
    const href = `data:image/png;base64,${Buffer.from(background).toString("base64")}`
    body.push(`<image href="${href}" width="${width}" height="${height}" preserveAspectRatio="none"/>`)
  }
  for (const c of scene.clutter) {
    if (c.kind === "stroke") {
      body.push(
        `<path d="${c.path}" fill="none" stroke="${hex(c.color)}" stroke-width="${n2(c.width)}" stroke-opacity="${n2(c.opacity)}"/>`,
      )
    } else {
      body.push(`<path d="${c.path}" fill="${paint(c.fill, middle, width)}" fill-opacity="${n2(c.opacity)}"/>`)
    }
  }
  for (const o of scene.objects) {
    const [x1, y1, x2, y2] = o.box
    const fill = paint(o.fill, [(x1 + x2) / 2, (y1 + y2) / 2], Math.max(x2 - x1, y2 - y1) / 2)
    body.push(`<path d="${shapePath(o.shape)}" fill="${fill}" fill-rule="evenodd"/>`)
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs>${defs.join("")}</defs>${body.join("")}</svg>`
}

/** The noise grid blended 35% with the wash gradient, evaluated at each cell's centre in image pixels. */
export function washedNoise(scene: Scene): Uint8Array {
  const { width, height, wash } = scene
  const { gridWidth, gridHeight, rgb } = scene.noise
  const [a, b] = wash.kind === "solid" ? [wash.color, wash.color] : wash.colors
  const angle = wash.kind === "solid" || wash.kind === "rings" ? 0 : wash.angle
  const ux = Math.cos(angle)
  const uy = Math.sin(angle)
  const lo = Math.min(0, width * ux) + Math.min(0, height * uy)
  const span = Math.abs(width * ux) + Math.abs(height * uy) || 1
  const out = new Uint8Array(rgb.length)
  for (let j = 0; j < gridHeight; j++) {
    for (let i = 0; i < gridWidth; i++) {
      const t = (((i + 0.5) * width) / gridWidth) * ux + (((j + 0.5) * height) / gridHeight) * uy
      const w = (t - lo) / span
      const o = 3 * (j * gridWidth + i)
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(0.65 * rgb[o + c] + 0.35 * (a[c] + (b[c] - a[c]) * w))
    }
  }
  return out
}

/**
 * Encodes a scene in one SVG render: the noise grid as an embedded PNG stretched over the image (cairo's
 * smooth upscale), clutter and objects on top, then JPEG q90 or PNG. About twice as fast as compositing an
 * SVG overlay on a background computed apart.
 */
export function renderScene(scene: Scene): Effect.Effect<Buffer> {
  return Effect.promise(async () => {
    const { gridWidth, gridHeight } = scene.noise
    const grid = await sharp(washedNoise(scene), { raw: { width: gridWidth, height: gridHeight, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer()
    const image = sharp(Buffer.from(sceneSvg(scene, grid))).removeAlpha()
    return scene.format === "png"
      ? image.png({ compressionLevel: 6 }).toBuffer()
      : image.jpeg({ quality: 90 }).toBuffer()
  })
}
