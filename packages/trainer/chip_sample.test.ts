import { assert, describe, it } from "@effect/vitest"
import type { ValidRange } from "@sniper/boxes"
import type { Chip } from "@sniper/chip-sampler"
import { chipAreaRange } from "./chip_sample.ts"

const chip = (validRange: ValidRange, scale: number): Chip => ({
  negative: false,
  scaleIndex: 0,
  scale,
  x1: 0,
  y1: 0,
  x2: 100,
  y2: 100,
  grid: [0, 0, 511, 511],
  flip: false,
  validRange,
  truth: {
    boxes: new Float32Array(0),
    category: new Int32Array(0),
    valid: new Uint8Array(0),
    reason: new Uint8Array(0),
    box: new Int32Array(0),
    truncated: 0,
  },
})

describe("chipAreaRange()", () => {
  it("scales the chip's own valid range by its scale and squares it", () => {
    // finest scale at 3x: [0, (80 x 3)^2) = [0, 57600)
    assert.deepStrictEqual(chipAreaRange(chip([-1, 80], 3)), [0, 57600])
    // middle scale at 1.667x: [(32 x 1.667)^2, (150 x 1.667)^2)
    const [lo, hi] = chipAreaRange(chip([32, 150], 1.667))
    assert.closeTo(lo, 53.344 ** 2, 1e-6)
    assert.closeTo(hi, 250.05 ** 2, 1e-6)
    // coarsest scale: no upper bound
    assert.deepStrictEqual(chipAreaRange(chip([120, -1], 0.5)), [3600, Number.POSITIVE_INFINITY])
  })
})
