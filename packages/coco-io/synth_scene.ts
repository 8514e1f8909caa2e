import type { Prng } from "@sniper/random"
import { covers, extremeVertices, makeShape, type Shape, shapeArea, shapeBox, synthCategories } from "./synth_shapes.ts"

/** An sRGB colour, 0..255 a channel. */
export type Rgb = readonly [number, number, number]

/** How a shape or band is painted; periods and angles in px and radians. */
export type Fill =
  | { readonly kind: "solid"; readonly color: Rgb }
  | { readonly kind: "linear"; readonly colors: readonly [Rgb, Rgb]; readonly angle: number }
  | { readonly kind: "stripes"; readonly colors: readonly [Rgb, Rgb]; readonly angle: number; readonly period: number }
  | { readonly kind: "rings"; readonly colors: readonly [Rgb, Rgb]; readonly period: number }

/** A shape on top of the background; `box` (x1, y1, x2, y2, px) is exact and stays right under occlusion. */
export interface SceneObject {
  readonly shape: Shape
  readonly fill: Fill
  readonly box: readonly [number, number, number, number]
  readonly area: number
}

/** Background clutter, never annotated: soft blobs, strokes and striped bands. */
export type Clutter =
  | { readonly kind: "blob"; readonly path: string; readonly fill: Fill; readonly opacity: number }
  | {
      readonly kind: "stroke"
      readonly path: string
      readonly color: Rgb
      readonly width: number
      readonly opacity: number
    }
  | { readonly kind: "band"; readonly path: string; readonly fill: Fill; readonly opacity: number }

/** Everything needed to render one image and annotate it; pure data, a function of its PRNG. */
export interface Scene {
  readonly width: number
  readonly height: number
  readonly format: "jpg" | "png"
  /** Low-resolution noise (gridWidth x gridHeight RGB bytes) stretched over the image as the base texture. */
  readonly noise: { readonly gridWidth: number; readonly gridHeight: number; readonly rgb: Uint8Array }
  readonly wash: Fill
  readonly clutter: ReadonlyArray<Clutter>
  /** In drawing order: later objects are painted over earlier ones. */
  readonly objects: ReadonlyArray<SceneObject>
}

function hsl(h: number, s: number, l: number): Rgb {
  const f = (n: number) => {
    const k = (n + h * 12) % 12
    const a = s * Math.min(l, 1 - l)
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
  }
  return [f(0), f(8), f(4)]
}

function objectColor(prng: Prng): Rgb {
  return hsl(prng.next(), prng.uniform(0.45, 1), prng.uniform(0.2, 0.8))
}

function objectFill(prng: Prng, size: number): Fill {
  const colors = [objectColor(prng), objectColor(prng)] as const
  const angle = prng.uniform(0, Math.PI)
  const kind = prng.pick(["solid", "linear", "stripes", "stripes", "rings"] as const)
  const period = Math.max(3, size * prng.uniform(0.06, 0.25))
  if (kind === "solid") return { kind, color: colors[0] }
  if (kind === "linear") return { kind, colors, angle }
  if (kind === "stripes") return { kind, colors, angle, period }
  return { kind, colors, period }
}

function blobPath(prng: Prng, cx: number, cy: number, r: number): string {
  const n = prng.int(5, 8)
  const pts: Array<readonly [number, number]> = []
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n
    const rr = r * prng.uniform(0.6, 1.3)
    pts.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)])
  }
  // Quadratic curves through edge midpoints with the vertices as control points: a smooth closed blob.
  const mid = (i: number) => {
    const [ax, ay] = pts[i % n]
    const [bx, by] = pts[(i + 1) % n]
    return `${((ax + bx) / 2).toFixed(1)} ${((ay + by) / 2).toFixed(1)}`
  }
  let d = `M${mid(n - 1)}`
  for (let i = 0; i < n; i++) d += `Q${pts[i][0].toFixed(1)} ${pts[i][1].toFixed(1)} ${mid(i)}`
  return `${d}Z`
}

function makeClutter(prng: Prng, width: number, height: number): Array<Clutter> {
  const clutter: Array<Clutter> = []
  const side = Math.min(width, height)
  for (let i = prng.int(0, 2); i > 0; i--) {
    const cx = prng.uniform(0, width)
    const cy = prng.uniform(0, height)
    const half = prng.uniform(0.05, 0.2) * side
    const angle = prng.uniform(0, Math.PI)
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)]
    const far = width + height
    const corners = [
      [cx - dx * far - dy * half, cy - dy * far + dx * half],
      [cx + dx * far - dy * half, cy + dy * far + dx * half],
      [cx + dx * far + dy * half, cy + dy * far - dx * half],
      [cx - dx * far + dy * half, cy - dy * far - dx * half],
    ]
    const path = `M${corners.map(([x, y]) => `${x.toFixed(1)} ${y.toFixed(1)}`).join("L")}Z`
    const fill: Fill = {
      kind: "stripes",
      colors: [hsl(prng.next(), 0.3, 0.5), hsl(prng.next(), 0.3, 0.3)],
      angle: prng.uniform(0, Math.PI),
      period: prng.uniform(4, 24),
    }
    clutter.push({ kind: "band", path, fill, opacity: prng.uniform(0.15, 0.4) })
  }
  for (let i = prng.int(1, 5); i > 0; i--) {
    const r = prng.logUniform(0.02, 0.25) * side
    const fill: Fill = {
      kind: "linear",
      colors: [objectColor(prng), objectColor(prng)],
      angle: prng.uniform(0, Math.PI),
    }
    const path = blobPath(prng, prng.uniform(0, width), prng.uniform(0, height), r)
    clutter.push({ kind: "blob", path, fill, opacity: prng.uniform(0.25, 0.6) })
  }
  for (let i = prng.int(2, 8); i > 0; i--) {
    const p = () => `${prng.uniform(0, width).toFixed(1)} ${prng.uniform(0, height).toFixed(1)}`
    const path = `M${p()}Q${p()} ${p()}`
    const stroke = { color: hsl(prng.next(), 0.4, prng.uniform(0.1, 0.9)), width: prng.uniform(1, 6) }
    clutter.push({ kind: "stroke", path, ...stroke, opacity: prng.uniform(0.3, 0.7) })
  }
  return clutter
}

/** A placed shape and what occlusion has left of it (sample points and box-side vertices still visible). */
interface Placed {
  readonly object: SceneObject
  readonly samples: Array<readonly [number, number]>
  visible: number
  readonly seen: Array<boolean>
  readonly sides: Array<Array<readonly [number, number]>>
}

/** Samples in a 10 x 10 grid over the box that the shape paints (its centre if none). */
function samplePoints(shape: Shape, box: readonly [number, number, number, number]): Array<readonly [number, number]> {
  const [x1, y1, x2, y2] = box
  const points: Array<readonly [number, number]> = []
  for (let j = 0; j < 10; j++) {
    for (let i = 0; i < 10; i++) {
      const x = x1 + ((i + 0.5) * (x2 - x1)) / 10
      const y = y1 + ((j + 0.5) * (y2 - y1)) / 10
      if (covers(shape, x, y)) points.push([x, y])
    }
  }
  if (points.length === 0) points.push([(x1 + x2) / 2, (y1 + y2) / 2])
  return points
}

/** Anti-aliasing reach: a vertex closer than this to a later shape counts as hidden. */
const edgeMargin = 1.5

/** Whether `shape` can go on top of `below` leaving it at least half visible and every box side touched. */
function allows(below: Placed, shape: Shape, box: readonly [number, number, number, number]): boolean {
  const [a1, b1, a2, b2] = below.object.box
  if (box[0] > a2 + edgeMargin || box[2] < a1 - edgeMargin || box[1] > b2 + edgeMargin || box[3] < b1 - edgeMargin) {
    return true
  }
  for (const side of below.sides) {
    if (!side.some(([x, y]) => !covers(shape, x, y, edgeMargin))) return false
  }
  let hidden = 0
  below.samples.forEach(([x, y], i) => {
    if (below.seen[i] && covers(shape, x, y, edgeMargin)) hidden++
  })
  return below.visible - hidden >= 0.5 * below.samples.length
}

function place(below: Placed, shape: Shape): void {
  for (let s = 0; s < 4; s++) below.sides[s] = below.sides[s].filter(([x, y]) => !covers(shape, x, y, edgeMargin))
  below.samples.forEach(([x, y], i) => {
    if (below.seen[i] && covers(shape, x, y, edgeMargin)) {
      below.seen[i] = false
      below.visible--
    }
  })
}

/**
 * Places objects of the wanted sizes (px, drawn in this order) at random in a width x height image. An object
 * goes only where it leaves every earlier object at least half visible with each of its box sides still
 * touched, so every box stays exact; one that finds no such place in 25 tries is left out.
 */
export function placeObjects(
  prng: Prng,
  [width, height]: readonly [number, number],
  sizes: ReadonlyArray<number>,
): Array<SceneObject> {
  const placed: Array<Placed> = []
  for (const wanted of sizes) {
    const category = prng.int(0, synthCategories.length - 1)
    let size = wanted
    for (let attempt = 0; attempt < 25; attempt++) {
      const rotation = prng.uniform(0, 2 * Math.PI)
      const name = synthCategories[category]
      const aspect = name === "disc" || name === "square" ? prng.uniform(0.55, 1) : 1
      const [ox1, oy1, ox2, oy2] = shapeBox(makeShape(category, [0, 0], { size, rotation, aspect }))
      if (ox2 - ox1 > width - 4 || oy2 - oy1 > height - 4) {
        size *= 0.9
        continue
      }
      const cx = prng.uniform(2 - ox1, width - 2 - ox2)
      const cy = prng.uniform(2 - oy1, height - 2 - oy2)
      const shape = makeShape(category, [cx, cy], { size, rotation, aspect })
      const box = shapeBox(shape)
      if (box[0] < 1 || box[1] < 1 || box[2] > width - 1 || box[3] > height - 1) continue
      if (!placed.every((below) => allows(below, shape, box))) continue
      for (const below of placed) place(below, shape)
      const object: SceneObject = { shape, fill: objectFill(prng, size), box, area: shapeArea(shape) }
      const samples = samplePoints(shape, box)
      const sides = extremeVertices(shape).map((s) => [...s])
      placed.push({ object, samples, visible: samples.length, seen: samples.map(() => true), sides })
      break
    }
  }
  return placed.map((p) => p.object)
}

/** What a scene may vary: the range its long side is drawn from, in px (inclusive). */
export interface SceneOptions {
  readonly longSide: readonly [min: number, max: number]
}

/** The embedded data set's images: long side 480..1600 px. */
export const defaultSceneOptions: SceneOptions = { longSide: [480, 1600] }

/**
 * Lays out one synthetic image: size (long side in `longSide`, short side 0.6..1 of it), a noise + clutter
 * background, and 3 to 16 objects of sizes from 6..16 px to nearly the whole image, larger ones drawn first (see
 * `placeObjects`).
 */
export function makeScene(prng: Prng, options: SceneOptions = defaultSceneOptions): Scene {
  const long = prng.int(options.longSide[0], options.longSide[1])
  const short = Math.round(long * prng.uniform(0.6, 1))
  const [width, height] = prng.next() < 0.7 ? [long, short] : [short, long]
  const format = prng.next() < 0.15 ? "png" : "jpg"
  const cell = prng.int(6, 48)
  const gridWidth = Math.ceil(width / cell) + 1
  const gridHeight = Math.ceil(height / cell) + 1
  const base = [hsl(prng.next(), prng.uniform(0, 0.5), prng.uniform(0.2, 0.8)), hsl(prng.next(), 0.3, 0.5)]
  const rgb = new Uint8Array(gridWidth * gridHeight * 3)
  for (let i = 0; i < gridWidth * gridHeight; i++) {
    const t = prng.next()
    for (let c = 0; c < 3; c++)
      rgb[3 * i + c] = Math.max(
        0,
        Math.min(255, Math.round(base[0][c] * (1 - t) + base[1][c] * t + prng.uniform(-12, 12))),
      )
  }
  const wash: Fill = { kind: "linear", colors: [objectColor(prng), objectColor(prng)], angle: prng.uniform(0, Math.PI) }
  const clutter = makeClutter(prng, width, height)

  const side = Math.min(width, height)
  const sizes: Array<number> = []
  if (prng.next() < 0.65) sizes.push(prng.uniform(0.45, 0.95) * side)
  for (let i = prng.int(1, 4); i > 0; i--) sizes.push(prng.uniform(6, 16))
  for (let i = prng.int(2, 11); i > 0; i--) sizes.push(prng.logUniform(16, 0.6 * side))
  sizes.sort((a, b) => b - a)

  const objects = placeObjects(prng, [width, height], sizes)
  return {
    width,
    height,
    format,
    noise: { gridWidth, gridHeight, rgb },
    wash,
    clutter,
    objects,
  }
}
