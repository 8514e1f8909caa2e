import { assert, describe, it } from "@effect/vitest"
import { cutChip, imagenetNormalization } from "@sniper/coco-io"
import { Effect } from "effect"
import { randomImage } from "./inference_fixtures.ts"
import { scaleImage } from "./mod.ts"

describe("scaleImage()", () => {
  it.effect("resizes the whole image with coco-io's cut and pads only to the stride, with zeros", () =>
    Effect.gen(function* () {
      // 50x30 at long side 40: s = 0.8, content 40 x 24, input 48 x 32 (not 48 x 48).
      const image = randomImage(50, 30, 3)
      const [scaled] = yield* scaleImage(image, { scales: [{ short: -1, long: 40 }], stride: 16 })
      const { geometry, pixels } = scaled
      assert.deepStrictEqual(
        [geometry.contentWidth, geometry.contentHeight, geometry.inputWidth, geometry.inputHeight],
        [40, 24, 48, 32],
      )
      assert.strictEqual(pixels.length, 48 * 32 * 3)
      // The same pixels as coco-io's chip of the whole image at s, row by row.
      const chip = yield* cutChip(image, { x1: 0, y1: 0, x2: 50, y2: 30, scale: 0.8 }, { size: 48 })
      for (let y = 0; y < 32; y++)
        assert.deepStrictEqual(
          pixels.subarray(y * 48 * 3, (y + 1) * 48 * 3),
          chip.subarray(y * 48 * 3, (y + 1) * 48 * 3),
        )
      let outside = 0
      let inside = 0
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 48; x++)
          for (let c = 0; c < 3; c++) {
            const v = Math.abs(pixels[(y * 48 + x) * 3 + c])
            if (x >= 40 || y >= 24) outside += v
            else inside += v
          }
      assert.strictEqual(outside, 0)
      assert.isAbove(inside, 0)
    }),
  )

  it.effect("gives one input per test scale, in order, for a portrait image", () =>
    Effect.gen(function* () {
      const scaled = yield* scaleImage(randomImage(30, 70, 4), {
        scales: [
          { short: 60, long: 200 },
          { short: -1, long: 35 },
        ],
        stride: 16,
      })
      // 30x70 at short 60: s = 2, 60 x 140 in 64 x 144; at long 35: s = 0.5, 15 x 35 in 16 x 48.
      assert.deepStrictEqual(
        scaled.map((s) => [
          s.geometry.contentWidth,
          s.geometry.contentHeight,
          s.geometry.inputWidth,
          s.geometry.inputHeight,
        ]),
        [
          [60, 140, 64, 144],
          [15, 35, 16, 48],
        ],
      )
      assert.deepStrictEqual(
        scaled.map((s) => s.pixels.length),
        [64 * 144 * 3, 16 * 48 * 3],
      )
    }),
  )
  it.effect("normalizes with the detector's normalization (ImageNet's RGB by default)", () =>
    Effect.gen(function* () {
      // 32x16 RGB ramp: every channel value distinct enough to catch a channel or order mix-up.
      const pixels = Uint8Array.from({ length: 32 * 16 * 3 }, (_, i) => (i * 7) % 256)
      const image = { imageId: 1, width: 32, height: 16, pixels }
      const scales = [{ short: -1, long: 32 }]
      const bgr = { order: "bgr" as const, mean: [0, 0, 0] as const, std: [1, 1, 1] as const }
      const [raw] = yield* scaleImage(image, { scales, stride: 16, normalization: bgr })
      const [standard] = yield* scaleImage(image, { scales, stride: 16 })
      assert.deepStrictEqual([raw.geometry.inputWidth, raw.geometry.inputHeight], [32, 16])
      // At scale 1 the content is the image itself: BGR raw values, and ImageNet-normalized RGB ones.
      const { mean, std } = imagenetNormalization
      for (let p = 0; p < 32 * 16; p++)
        for (let c = 0; c < 3; c++) {
          assert.strictEqual(raw.pixels[3 * p + c], pixels[3 * p + 2 - c])
          assert.closeTo(standard.pixels[3 * p + c], (pixels[3 * p + c] - mean[c]) / std[c], 1e-4)
        }
    }),
  )
})
