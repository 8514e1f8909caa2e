import { assert, describe, it } from "@effect/vitest"
import { chipStride } from "./chip_stride.ts"
import { defaultChipConfig } from "./config.ts"

describe("chipStride()", () => {
  it("returns a configured stride as it is", () => {
    assert.strictEqual(chipStride(defaultChipConfig("paper"), { seed: 3, epoch: 9 }), 32)
  })
  it("draws a random stride in 56..59 per (seed, epoch), the same on every call", () => {
    const config = defaultChipConfig("reference")
    const seen = new Set<number>()
    for (let epoch = 0; epoch < 40; epoch++) {
      const d = chipStride(config, { seed: 7, epoch })
      assert.isTrue(Number.isInteger(d) && d >= 56 && d <= 59, `stride ${d}`)
      assert.strictEqual(chipStride(config, { seed: 7, epoch }), d)
      seen.add(d)
    }
    assert.strictEqual(seen.size, 4) // 40 draws of 4 values: every one appears
  })
})
