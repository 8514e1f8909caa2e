import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { type ChipWindow, cutChip, cutChips } from "./image_chip.ts"
import type { DecodedImage } from "./image_decode.ts"
import { rgbImage } from "./image_fixtures.ts"
import { caffeBgrNormalization, imagenetNormalization, type Normalization } from "./image_normalization.ts"

const raw: Normalization = { order: "rgb", mean: [0, 0, 0], std: [1, 1, 1] }

/** 6 x 4 image: R = 10x + y, G = 100 + y, B = 7. */
const image: DecodedImage = {
  imageId: 9,
  width: 6,
  height: 4,
  pixels: rgbImage(6, 4, (x, y) => [10 * x + y, 100 + y, 7]),
}

function chipAt(chip: Float32Array, size: number, x: number, y: number) {
  const i = (y * size + x) * 3
  return [chip[i], chip[i + 1], chip[i + 2]]
}

function cut(window: ChipWindow, size: number, extra: { normalization?: Normalization; kernel?: "nearest" } = {}) {
  return cutChip(image, window, { size, normalization: raw, ...extra })
}

describe("cutChip()", () => {
  it.effect("crops at scale 1 and pads bottom/right with zeros", () =>
    Effect.gen(function* () {
      const chip = yield* cut({ x1: 1, y1: 1, x2: 4, y2: 3, scale: 1 }, 5)
      assert.strictEqual(chip.length, 5 * 5 * 3)
      for (let y = 0; y < 5; y++) {
        for (let x = 0; x < 5; x++) {
          const expected = x < 3 && y < 2 ? [10 * (1 + x) + 1 + y, 101 + y, 7] : [0, 0, 0]
          assert.deepStrictEqual(chipAt(chip, 5, x, y), expected, `(${x}, ${y})`)
        }
      }
    }),
  )
  it.effect("flips the whole image before cropping", () =>
    Effect.gen(function* () {
      // Flipped column j is original column 5 - j; region columns 1..3 of the flipped image = original 4, 3, 2.
      const chip = yield* cut({ x1: 1, y1: 0, x2: 4, y2: 1, scale: 1, flip: true }, 4)
      assert.deepStrictEqual(chipAt(chip, 4, 0, 0), [40, 100, 7])
      assert.deepStrictEqual(chipAt(chip, 4, 1, 0), [30, 100, 7])
      assert.deepStrictEqual(chipAt(chip, 4, 2, 0), [20, 100, 7])
      assert.deepStrictEqual(chipAt(chip, 4, 3, 0), [0, 0, 0])
      assert.deepStrictEqual(chipAt(chip, 4, 0, 1), [0, 0, 0])
    }),
  )
  it.effect("resizes by the chip's scale, keeping the region's sub-pixel start", () =>
    Effect.gen(function* () {
      // Scale 2, nearest: output column c samples original x = 1.5 + (c + 0.5) / 2 -> pixels 1, 2, 2, 3, 3.
      const chip = yield* cut({ x1: 1.5, y1: 0, x2: 4, y2: 1, scale: 2 }, 6, { kernel: "nearest" })
      const reds = [0, 1, 2, 3, 4, 5].map((x) => chipAt(chip, 6, x, 0)[0])
      assert.deepStrictEqual(reds, [10, 20, 20, 30, 30, 0])
      assert.deepStrictEqual(
        [0, 1, 2].map((y) => chipAt(chip, 6, 0, y)[1]),
        [100, 100, 0],
      )
    }),
  )
  it.effect("averages when shrinking (bilinear reduction of a linear ramp keeps interior values)", () =>
    Effect.gen(function* () {
      // 16 x 2 image, R = 8x; at scale 1/2 output pixel k covers x in [2k, 2k + 2), centre 2k + 0.5: R = 16k + 4.
      const ramp: DecodedImage = { imageId: 1, width: 16, height: 2, pixels: rgbImage(16, 2, (x) => [8 * x, 50, 50]) }
      const chip = yield* cutChip(ramp, { x1: 0, y1: 0, x2: 16, y2: 2, scale: 0.5 }, { size: 8, normalization: raw })
      for (let k = 1; k < 7; k++) assert.closeTo(chipAt(chip, 8, k, 0)[0], 16 * k + 4, 1, `k = ${k}`)
      assert.deepStrictEqual(chipAt(chip, 8, 3, 0).slice(1), [50, 50])
      assert.deepStrictEqual(chipAt(chip, 8, 3, 1), [0, 0, 0])
    }),
  )
  it.effect("normalizes with ImageNet mean/std (RGB) or the reference's BGR means", () =>
    Effect.gen(function* () {
      const window = { x1: 2, y1: 3, x2: 3, y2: 4, scale: 1 }
      // Pixel (2, 3) = (23, 103, 7).
      const imagenet = yield* cut(window, 2, { normalization: imagenetNormalization })
      const expected = [(23 - 123.675) / 58.395, (103 - 116.28) / 57.12, (7 - 103.53) / 57.375]
      for (const [c, v] of chipAt(imagenet, 2, 0, 0).entries()) assert.closeTo(v, expected[c], 1e-5)
      assert.deepStrictEqual(chipAt(imagenet, 2, 1, 1), [0, 0, 0], "padding stays 0 after normalizing")
      const bgr = yield* cut(window, 2, { normalization: caffeBgrNormalization })
      const expectedBgr = [7 - 103.939, 103 - 116.779, 23 - 123.68]
      for (const [c, v] of chipAt(bgr, 2, 0, 0).entries()) assert.closeTo(v, expectedBgr[c], 1e-4)
    }),
  )
  it.effect("clips regions to the image and to the chip size", () =>
    Effect.gen(function* () {
      // Region beyond the right edge: content is columns 4..5, top-left; a region wider than the chip is cut at 2.
      const edge = yield* cut({ x1: 4, y1: 0, x2: 9, y2: 1, scale: 1 }, 4)
      assert.deepStrictEqual(
        [0, 1, 2].map((x) => chipAt(edge, 4, x, 0)[0]),
        [40, 50, 0],
      )
      const wide = yield* cut({ x1: 0, y1: 0, x2: 6, y2: 4, scale: 1 }, 2)
      assert.deepStrictEqual(chipAt(wide, 2, 1, 1), [11, 101, 7])
      const outside = yield* cut({ x1: 7, y1: 0, x2: 9, y2: 1, scale: 1 }, 2)
      assert.isTrue(outside.every((v) => v === 0))
    }),
  )
  it.effect("writes into a given batch row, clearing what was there", () =>
    Effect.gen(function* () {
      const batch = new Float32Array(2 * 4 * 4 * 3).fill(9)
      const row = batch.subarray(4 * 4 * 3)
      const chip = yield* cutChip(
        image,
        { x1: 0, y1: 0, x2: 1, y2: 1, scale: 1 },
        { size: 4, normalization: raw, into: row },
      )
      assert.strictEqual(chip, row)
      assert.deepStrictEqual(Array.from(batch.subarray(4 * 4 * 3, 4 * 4 * 3 + 6)), [0, 100, 7, 0, 0, 0])
      assert.strictEqual(batch[0], 9, "the other row is untouched")
      assert.throws(
        () => Effect.runSync(cutChip(image, { x1: 0, y1: 0, x2: 1, y2: 1, scale: 1 }, { size: 3, into: row })),
        RangeError,
      )
    }),
  )
  it("throws RangeError on a non-positive scale or size", () => {
    assert.throws(() => Effect.runSync(cut({ x1: 0, y1: 0, x2: 1, y2: 1, scale: 0 }, 2)), RangeError)
    assert.throws(() => Effect.runSync(cut({ x1: 0, y1: 0, x2: 1, y2: 1, scale: 1 }, 0)), RangeError)
  })

  const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))
  const windows = { x1: int(0, 5), y1: int(0, 3), w: int(1, 6), h: int(1, 4), flip: Schema.Boolean }
  it.effect.prop("at scale 1 equals a plain crop of the (flipped) image", windows, ({ x1, y1, w, h, flip }) =>
    Effect.gen(function* () {
      const chip = yield* cut({ x1, y1, x2: x1 + w, y2: y1 + h, scale: 1, flip }, 4)
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 4; x++) {
          const fx = x1 + x
          const inside = fx < Math.min(6, x1 + w) && y1 + y < Math.min(4, y1 + h)
          const ox = flip ? 5 - fx : fx
          const expected = inside ? [10 * ox + y1 + y, 100 + y1 + y, 7] : [0, 0, 0]
          assert.deepStrictEqual(chipAt(chip, 4, x, y), expected)
        }
      }
    }),
  )
})

describe("cutChips()", () => {
  it.effect("cuts every window of one decoded image, in order", () =>
    Effect.gen(function* () {
      const chips = yield* cutChips(
        image,
        [
          { x1: 0, y1: 0, x2: 2, y2: 2, scale: 1 },
          { x1: 0, y1: 0, x2: 6, y2: 4, scale: 0.5 },
          { x1: 3, y1: 1, x2: 5, y2: 3, scale: 2, flip: true },
        ],
        { size: 4, normalization: raw, kernel: "nearest" },
      )
      assert.strictEqual(chips.length, 3)
      assert.deepStrictEqual(chipAt(chips[0], 4, 1, 1), [11, 101, 7])
      assert.deepStrictEqual(chipAt(chips[1], 4, 3, 0), [0, 0, 0], "6 x 4 at 1/2 is 3 x 2")
      assert.notDeepEqual(chipAt(chips[1], 4, 2, 1), [0, 0, 0])
      // Flipped columns 3, 4 are original 2, 1; at scale 2 each covers 2 output columns.
      assert.deepStrictEqual(
        [0, 1, 2, 3].map((x) => chipAt(chips[2], 4, x, 0)[0]),
        [21, 21, 11, 11],
      )
    }),
  )
  it.effect("cuts a dense grid from one shared resize with the same pixels as one resize per chip", () =>
    Effect.gen(function* () {
      // 24 x 16 image; a 2 x 2 grid of 12 x 8 regions covers it, so each scale is resized once for all 4 chips.
      const big: DecodedImage = {
        imageId: 2,
        width: 24,
        height: 16,
        pixels: rgbImage(24, 16, (x, y) => [10 * x, 5 * y + x, 200 - 3 * x - 2 * y]),
      }
      for (const [scale, kernel, tolerance] of [
        [1, "nearest", 0],
        [2, "nearest", 0],
        [1.5, "linear", 8],
      ] as const) {
        let seen = 0
        const windows = [0, 1, 2, 3].map((k) => ({
          x1: (k % 2) * 12,
          y1: Math.floor(k / 2) * 8,
          x2: (k % 2) * 12 + 12,
          y2: Math.floor(k / 2) * 8 + 8,
          scale,
          flip: k === 3,
        }))
        const options = { size: 24, normalization: raw, kernel }
        const shared = yield* cutChips(big, windows, options)
        for (const [k, window] of windows.entries()) {
          const alone = yield* cutChip(big, window, options)
          let worst = 0
          for (let i = 0; i < alone.length; i++) worst = Math.max(worst, Math.abs(alone[i] - shared[k][i]))
          // Bilinear differs only where a lone crop has no neighbours beyond its edge.
          assert.isAtMost(worst, tolerance, `scale ${scale} chip ${k}`)
          seen = Math.max(seen, worst)
        }
        // Measured 5 at x1.5: proof that the grid went through one shared resize, not four.
        if (kernel === "linear") assert.isAbove(seen, 0)
      }
    }),
  )
  it.effect("writes chip i into slice i of a batch buffer", () =>
    Effect.gen(function* () {
      const batch = new Float32Array(3 * 2 * 2 * 3).fill(5)
      const windows = [0, 1, 2].map((k) => ({ x1: k, y1: 0, x2: k + 1, y2: 1, scale: 1 }))
      const chips = yield* cutChips(image, windows, { size: 2, normalization: raw, into: batch })
      assert.deepStrictEqual(
        [0, 1, 2].map((k) => batch[k * 12]),
        [0, 10, 20],
      )
      assert.strictEqual(chips[1].buffer, batch.buffer)
      assert.strictEqual(batch[3], 0, "padding cleared")
      assert.throws(() => Effect.runSync(cutChips(image, windows, { size: 2, into: batch.subarray(1) })), RangeError)
    }),
  )
})
