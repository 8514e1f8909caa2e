import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import sharp from "sharp"
import { defaultChipConfig } from "./config.ts"
import { chipOverlay, drawChips } from "./draw_chips.ts"
import { imageBoxes } from "./image_boxes.ts"
import { chipImage } from "./image_chips.ts"

// 640 x 480: a box of size 44 (valid at 3x and 1.667x) and a 2 x 2 box (valid nowhere: dropped as < 10 px).
const image = imageBoxes(
  {
    id: 1,
    width: 640,
    height: 480,
    bbox: new Float64Array([100, 100, 50, 40, 300, 300, 2, 2]),
    category: new Int32Array(2),
    crowd: new Uint8Array(2),
  },
  { mode: "paper" },
)
const chips = chipImage(image, defaultChipConfig("paper"), { seed: 1, epoch: 0 })

describe("chipOverlay()", () => {
  it("draws each chip in its scale's colour, valid boxes green and ignored ones red, with a legend", () => {
    const svg = chipOverlay(image, chips, ["3x", "1.667x", "long side 512"])
    assert.strictEqual(chips.positives.length, 2)
    assert.strictEqual(svg.match(/stroke="#ff8c00"/g)?.length, 2) // the 3x chip and its legend line
    assert.strictEqual(svg.match(/stroke="#00bfff"/g)?.length, 2)
    assert.strictEqual(svg.match(/<rect[^>]*stroke="#00ff66"/g)?.length, 1)
    assert.strictEqual(svg.match(/<rect[^>]*stroke="#ff3030"/g)?.length, 1)
    assert.include(svg, "chip at 1.667x")
  })
})

describe("drawChips()", () => {
  it.effect("writes a PNG of the image's size", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "chips-"))
      const input = join(dir, "in.jpg")
      yield* Effect.promise(() =>
        sharp({ create: { width: 640, height: 480, channels: 3, background: "#808080" } })
          .jpeg()
          .toFile(input),
      )
      const out = join(dir, "out.png")
      yield* drawChips(input, out, { image, chips, scaleLabels: ["3x", "1.667x", "long side 512"] })
      const meta = yield* Effect.promise(() => sharp(out).metadata())
      assert.deepStrictEqual([meta.format, meta.width, meta.height], ["png", 640, 480])
    }),
  )
  it.effect("fails with DrawError naming the file when the image cannot be read", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        drawChips("/nonexistent/x.jpg", "/tmp/never.png", { image, chips, scaleLabels: [] }),
      )
      assert.strictEqual(error._tag, "DrawError")
      assert.include(error.message, "/tmp/never.png")
    }),
  )
})
