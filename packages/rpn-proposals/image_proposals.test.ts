import { assert, describe, it } from "@effect/vitest"
import { imagenetNormalization } from "@sniper/coco-io"
import { Effect } from "effect"
import { scaleImage } from "./mod.ts"

describe("scaleImage()", () => {
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
