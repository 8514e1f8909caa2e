import { assert, describe, it } from "@effect/vitest"
import { factorScales, resolutionScales } from "./config.ts"
import { imageScales } from "./image_scales.ts"

describe("imageScales()", () => {
  it("factor form: 3, 1.667 and 512 / max side, sizes truncated (hand-computed for 640 x 480)", () => {
    const s = imageScales(factorScales, 640, 480)
    assert.deepStrictEqual(Array.from(s.scale), [3, 1.667, 0.8])
    assert.deepStrictEqual(Array.from(s.width), [1920, 1066, 512]) // 1066.88 -> 1066
    assert.deepStrictEqual(Array.from(s.height), [1440, 800, 384]) // 800.16 -> 800
  })
  it("resolution form: short side to 1400 / 800 unless the long side passes 2000 / 1280", () => {
    // 640 x 480: 1400 / 480 = 2.917 (long 1867 <= 2000); 800 / 480 = 1.667 (1067 <= 1280); 512 / 640.
    const s = imageScales(resolutionScales, 640, 480)
    assert.closeTo(s.scale[0], 1400 / 480, 1e-12)
    assert.closeTo(s.scale[1], 800 / 480, 1e-12)
    assert.strictEqual(s.scale[2], 0.8)
    assert.deepStrictEqual(Array.from(s.width), [1866, 1066, 512])
    // 1000 x 300: 1400 / 300 = 4.67 gives a long side of 4667 > 2000, so 2000 / 1000 = 2.
    const wide = imageScales(resolutionScales, 1000, 300)
    assert.deepStrictEqual(Array.from(wide.scale), [2, 1.28, 0.512])
  })
})
