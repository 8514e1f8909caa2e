import { mkdtempSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Schema } from "effect"
import sharp from "sharp"
import { afterAll } from "vitest"
import {
  categoryColour,
  type DetectionsToDraw,
  detectionLayout,
  detectionSvg,
  drawDetections,
} from "./draw_detections.ts"
import { escapeXml, overlaySizes } from "./draw_overlay.ts"
import { rgbImage } from "./image_fixtures.ts"

const dir = mkdtempSync(join(tmpdir(), "draw-detections-"))
afterAll(() => rm(dir, { recursive: true, force: true }))

const names = ["disc", "square", "tri<&>angle"]
const grey = [90, 90, 90] as const

function detections(boxes: Array<number>, categories: Array<number>, scores: Array<number>): DetectionsToDraw {
  return {
    count: categories.length,
    boxes: new Float64Array(boxes),
    categories: new Int32Array(categories),
    scores: new Float64Array(scores),
  }
}

/** A grey image file of the given size and format. */
function greyImage(width: number, height: number, format: "png" | "jpeg") {
  const path = join(dir, `grey_${width}x${height}.${format === "png" ? "png" : "jpg"}`)
  return Effect.as(
    Effect.promise(() =>
      sharp({ create: { width, height, channels: 3, background: { r: grey[0], g: grey[1], b: grey[2] } } })
        .toFormat(format)
        .toFile(path),
    ),
    path,
  )
}

/** The picture decoded to RGB, with a pixel reader. */
function decoded(path: string) {
  return Effect.promise(async () => {
    const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true })
    const at = (x: number, y: number) => {
      const i = (y * info.width + x) * info.channels
      return [data[i], data[i + 1], data[i + 2]]
    }
    return { info, at }
  })
}

function rgbOf(hex: string) {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
}

function near(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string) {
  for (let c = 0; c < 3; c++) {
    assert.isAtMost(
      Math.abs(actual[c] - expected[c]),
      tolerance,
      `${what}: ${Array.from(actual)} vs ${Array.from(expected)}`,
    )
  }
}

describe("overlaySizes()", () => {
  it("grows lines and text with the long side, keeps them readable, and shrinks them only for tiny images", () => {
    assert.deepStrictEqual(overlaySizes(640, 480), { line: 2, font: 13 })
    assert.deepStrictEqual(overlaySizes(1000, 3000), { line: 9, font: 63 }) // 3000 / 320 = 9.4, 3000 / 48 = 62.5
    assert.deepStrictEqual(overlaySizes(256, 200), { line: 2, font: 11 })
    assert.deepStrictEqual(overlaySizes(40, 30), { line: 2, font: 11 }) // 30 / 8 = 3.75, 30 / 2.5 = 12
    assert.deepStrictEqual(overlaySizes(12, 8), { line: 1, font: 6 })
    assert.throws(() => overlaySizes(0, 10), RangeError)
  })
})

describe("escapeXml()", () => {
  it("escapes markup and drops characters XML cannot hold", () => {
    assert.strictEqual(escapeXml(`a<&>"'\u0001b`), "a&lt;&amp;&gt;&quot;&apos;b")
  })
})

describe("categoryColour()", () => {
  it("gives 32 categories 32 different colours", () => {
    const colours = Array.from({ length: 32 }, (_, k) => categoryColour(k))
    for (const c of colours) assert.match(c, /^#[0-9a-f]{6}$/)
    assert.strictEqual(new Set(colours).size, 32)
  })
})

describe("detectionLayout()", () => {
  it("puts a label above its box, inside the box at the top edge, and left of the right edge", () => {
    const found = detections(
      [100, 80, 300, 220, 0, 0, 120, 90, 600, 200, 700, 300, 10, 10, 20, 20],
      [0, 1, 2, 0],
      [0.9, 0.8, 0.7, 0.1],
    )
    const { line, drawn } = detectionLayout({ width: 640, height: 480 }, found, { names, minScore: 0.3 })
    assert.strictEqual(line, 2)
    // lowest score first; the 0.1 detection is below minScore
    assert.deepStrictEqual(
      drawn.map((d) => d.index),
      [2, 1, 0],
    )
    const [right, top, middle] = drawn
    const labelHeight = Math.ceil(1.3 * 13)
    assert.deepStrictEqual([middle.label.x, middle.label.y, middle.label.height], [100, 80 - labelHeight, labelHeight])
    assert.deepStrictEqual([top.label.x, top.label.y], [0, 0])
    assert.deepStrictEqual(right.box, { x: 600, y: 200, width: 40, height: 100 })
    assert.strictEqual(right.label.x + right.label.width, 640)
    assert.deepStrictEqual(
      drawn.map((d) => d.text.content),
      ["tri<&>angle 0.70", "square 0.80", "disc 0.90"],
    )
    assert.strictEqual(middle.colour, categoryColour(0))
  })

  const between = (minimum: number, maximum: number) =>
    Arbitrary.schema(Schema.Finite.check(Schema.isBetween({ minimum, maximum })))
  const int = (minimum: number, maximum: number) =>
    Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))
  // boxes as fractions of the image, reaching outside it; sizes from 1 px to 4000 px
  const scene = Arbitrary.all({
    width: int(1, 4000),
    height: int(1, 4000),
    boxes: Arbitrary.array(
      Arbitrary.all([between(-0.5, 1.5), between(-0.5, 1.5), between(0, 1), between(0, 1), int(0, 2), between(0, 1)]),
      { maxLength: 8 },
    ),
  })
  it.prop("keeps every box and label inside the image, labels above their box when there is room", [scene], ([s]) => {
    const found = detections(
      s.boxes.flatMap(([x, y, w, h]) => [x * s.width, y * s.height, (x + w) * s.width, (y + h) * s.height]),
      s.boxes.map((b) => b[4]),
      s.boxes.map((b) => b[5]),
    )
    const { drawn } = detectionLayout(s, found, { names })
    const inside = (r: { x: number; y: number; width: number; height: number }) =>
      r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0 && r.x + r.width <= s.width && r.y + r.height <= s.height
    for (const d of drawn) {
      assert.isTrue(inside(d.box), JSON.stringify(d.box))
      assert.isTrue(inside(d.label), JSON.stringify(d.label))
      if (d.box.y >= d.label.height) assert.strictEqual(d.label.y + d.label.height, d.box.y)
    }
  })
})

describe("detectionSvg()", () => {
  it.effect("sets each label's text inside its label box, whatever the letters", () =>
    Effect.gen(function* () {
      for (const name of ["tri<&>angle", "MWMWMW@%", "person", "über-Käfer"]) {
        const size = { width: 900, height: 200 }
        const layout = detectionLayout(size, detections([100, 150, 800, 190], [0], [0.99]), { names: [name] })
        const label = layout.drawn[0].label
        // only the text, white on transparent black: its pixels must lie inside the label rectangle
        const svg = detectionSvg(size, layout)
          .replace(/<rect[^>]*\/>/g, "")
          .replace(/fill="#[0-9a-f]{6}">/, 'fill="#ffffff">')
        const { data, info } = yield* Effect.promise(() =>
          sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
        )
        let inked = 0
        for (let y = 0; y < info.height; y++) {
          for (let x = 0; x < info.width; x++) {
            if (data[(y * info.width + x) * info.channels + 3] < 64) continue
            inked++
            assert.isTrue(
              x >= label.x && x < label.x + label.width && y >= label.y && y < label.y + label.height,
              `${name}: ink at ${x},${y} outside ${JSON.stringify(label)}`,
            )
          }
        }
        assert.isAbove(inked, 50, name)
      }
    }),
  )
})

describe("drawDetections()", () => {
  it.effect("outlines each box in its category's colour inside the box and leaves the rest of the image alone", () =>
    Effect.gen(function* () {
      const source = yield* greyImage(400, 300, "png")
      const out = join(dir, "outline.png")
      const found = detections([100, 80, 300, 220, 0, 230, 90, 300], [2, 1], [0.9, 0.5])
      const result = yield* drawDetections(source, found, { names, out })
      assert.deepStrictEqual([result.format, result.width, result.height, result.drawn], ["png", 400, 300, 2])
      const { info, at } = yield* decoded(out)
      assert.deepStrictEqual([info.format, info.width, info.height], ["raw", 400, 300])
      // 2 px lines drawn inside the box: columns 100-101 and 298-299, rows 218-219
      for (const [x, y] of [
        [100, 150],
        [101, 150],
        [298, 150],
        [200, 219],
      ]) {
        near(at(x, y), rgbOf(categoryColour(2)), 2, `outline at ${x},${y}`)
      }
      near(at(200, 150), grey, 0, "inside the box")
      near(at(99, 150), grey, 0, "left of the box")
      near(at(200, 221), grey, 0, "below the box")
      // the box on the bottom-left corner keeps its whole line inside the image
      for (const [x, y] of [
        [0, 265],
        [1, 265],
        [45, 299],
        [45, 298],
        [89, 265],
      ]) {
        near(at(x, y), rgbOf(categoryColour(1)), 2, `edge outline at ${x},${y}`)
      }
    }),
  )

  it.effect("draws a label whose class name holds <&> as a label (the SVG stays well-formed)", () =>
    Effect.gen(function* () {
      const source = yield* greyImage(400, 300, "png")
      const out = join(dir, "escaped.png")
      const found = detections([100, 80, 300, 220], [2], [0.75])
      const layout = detectionLayout({ width: 400, height: 300 }, found, { names })
      assert.include(detectionSvg({ width: 400, height: 300 }, layout), ">tri&lt;&amp;&gt;angle 0.75</text>")
      yield* drawDetections(source, found, { names, out })
      const { at } = yield* decoded(out)
      const { label, text } = layout.drawn[0]
      near(at(label.x + 1, label.y + 1), rgbOf(categoryColour(2)), 2, "label background")
      // some pixel of the text row is the text colour (rendered text, not an empty label)
      const row = Math.round(text.y - 0.3 * text.font)
      const textRgb = rgbOf(layout.drawn[0].textColour)
      let hits = 0
      for (let x = label.x; x < label.x + label.width; x++) {
        const p = at(x, row)
        if (Math.abs(p[0] - textRgb[0]) + Math.abs(p[1] - textRgb[1]) + Math.abs(p[2] - textRgb[2]) < 60) hits++
      }
      assert.isAbove(hits, 3)
    }),
  )

  it.effect("writes JPEG for a JPEG image and PNG otherwise, unless the file's extension says", () =>
    Effect.gen(function* () {
      const jpeg = yield* greyImage(64, 48, "jpeg")
      const png = yield* greyImage(64, 48, "png")
      const found = detections([8, 8, 40, 40], [0], [0.9])
      const formats: Array<string> = []
      for (const [source, out] of [
        [jpeg, "a.picture"],
        [png, "b.picture"],
        [png, "c.jpg"],
        [jpeg, "d.png"],
      ]) {
        const result = yield* drawDetections(source, found, { names, out: join(dir, out) })
        const meta = yield* Effect.promise(() => sharp(join(dir, out)).metadata())
        assert.strictEqual(meta.format, result.format)
        formats.push(result.format)
      }
      assert.deepStrictEqual(formats, ["jpeg", "png", "jpeg", "png"])
    }),
  )

  it.effect("draws on a 1000x3000 and a 40x30 image, from a file, its bytes or its decoded pixels", () =>
    Effect.gen(function* () {
      const tall = yield* greyImage(1000, 3000, "jpeg")
      const found = detections([200, 1000, 800, 2000], [0], [0.9])
      yield* drawDetections(tall, found, { names, out: join(dir, "tall.png") })
      const big = yield* decoded(join(dir, "tall.png"))
      assert.deepStrictEqual([big.info.width, big.info.height], [1000, 3000])
      // a 9 px line (3000 / 320): still the class colour 8 px in
      near(big.at(208, 1500), rgbOf(categoryColour(0)), 8, "thick line")

      const tiny = { width: 40, height: 30, pixels: rgbImage(40, 30, () => [90, 90, 90]) }
      const small = detections([5, 12, 35, 28, 0, 0, 40, 30], [1, 2], [0.9, 0.4])
      const bytes = yield* Effect.promise(() =>
        sharp(tiny.pixels, { raw: { ...tiny, channels: 3 } })
          .png()
          .toBuffer(),
      )
      for (const [source, out] of [
        [tiny, "tiny_decoded.png"],
        [bytes, "tiny_bytes.png"],
      ] as const) {
        const result = yield* drawDetections(source, small, { names, out: join(dir, out) })
        assert.strictEqual(result.drawn, 2)
        const { info } = yield* decoded(join(dir, out))
        assert.deepStrictEqual([info.width, info.height], [40, 30])
      }
    }),
  )

  it.effect("fails with DrawError naming the image or the picture", () =>
    Effect.gen(function* () {
      const found = detections([], [], [])
      const missing = yield* Effect.flip(drawDetections(join(dir, "nope.jpg"), found, { names, out: "/tmp/x.png" }))
      assert.strictEqual(missing._tag, "DrawError")
      assert.include(missing.message, "nope.jpg")
      assert.include(missing.message, "/tmp/x.png")
      const source = yield* greyImage(64, 48, "png")
      const out = join(dir, "no-such-folder", "p.png")
      const unwritable = yield* Effect.flip(drawDetections(source, found, { names, out }))
      assert.include(unwritable.message, out)
    }),
  )
})
