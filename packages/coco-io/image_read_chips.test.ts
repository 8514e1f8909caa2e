import { rm } from "node:fs/promises"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { afterAll, beforeAll } from "vitest"
import { makeImageFolder } from "./image_fixtures.ts"
import type { Normalization } from "./image_normalization.ts"
import { readChips } from "./image_read_chips.ts"

let folder: { base: string; root: string }
beforeAll(async () => {
  folder = await makeImageFolder()
})
afterAll(() => rm(folder.base, { recursive: true, force: true }))

const raw: Normalization = { order: "rgb", mean: [0, 0, 0], std: [1, 1, 1] }

/** Mean RGB of a size x size chip's top-left w x h pixels. */
function meanRgb(chip: Float32Array, size: number, w: number, h: number): number[] {
  const sum = [0, 0, 0]
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) sum[c] += chip[(y * size + x) * 3 + c]
  return sum.map((s) => s / (w * h))
}

describe("readChips()", () => {
  it.effect("cuts every window from one decode: halves, a flip and a downscale", () =>
    Effect.gen(function* () {
      // good.jpg is 16 x 8, red on the left half, blue on the right
      const chips = yield* readChips(
        folder.root,
        { imageId: 1, fileName: "good.jpg", width: 16, height: 8 },
        {
          size: 8,
          normalization: raw,
          windows: [
            { x1: 1, y1: 1, x2: 6, y2: 7, scale: 1 },
            { x1: 1, y1: 1, x2: 6, y2: 7, scale: 1, flip: true },
            { x1: 0, y1: 0, x2: 16, y2: 8, scale: 0.5 },
          ],
        },
      )
      assert.strictEqual(chips.length, 3)
      const close = (actual: number[], expected: number[]) =>
        actual.forEach((v, c) => {
          assert.closeTo(v, expected[c], 14, `${actual} vs ${expected}`)
        })
      close(meanRgb(chips[0], 8, 5, 6), [255, 0, 0])
      // in the flipped image the left half is blue
      close(meanRgb(chips[1], 8, 5, 6), [0, 0, 255])
      // the whole image at half size: 8 x 4, red then blue, zero below
      close(meanRgb(chips[2], 8, 3, 4), [255, 0, 0])
      assert.deepStrictEqual(meanRgb(chips[2].subarray(8 * 4 * 3), 8, 8, 4), [0, 0, 0])
    }),
  )
  it.effect("fails with the image's BadImage before cutting anything", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        readChips(
          folder.root,
          { imageId: 5, fileName: "gone.jpg" },
          { windows: [{ x1: 0, y1: 0, x2: 4, y2: 4, scale: 1 }] },
        ),
      )
      assert.strictEqual(error.reason, "missing")
      assert.strictEqual(error.imageId, 5)
    }),
  )
})
