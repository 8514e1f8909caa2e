import { assert, describe, it } from "@effect/vitest"
import type { Chip } from "@sniper/chip-sampler"
import { chipAreaRange, detectorTruth } from "./chip_sample.ts"

const chip = (scaleIndex: number, scale: number): Chip => ({
  negative: false,
  scaleIndex,
  scale,
  x1: 0,
  y1: 0,
  x2: 100,
  y2: 100,
  grid: [0, 0, 511, 511],
  flip: false,
  truth: {
    count: 2,
    boxes: new Float32Array([10, 20, 29, 49, 0, 0, 511, 511]),
    category: new Int32Array([0, 4]),
    valid: new Uint8Array([1, 0]),
    reason: new Uint8Array([0, 2]),
    box: new Int32Array([0, 1]),
    truncated: 0,
  },
})

describe("detectorTruth()", () => {
  it("turns inclusive pixel boxes into continuous ones and categories into classes 1..K", () => {
    const t = detectorTruth(chip(0, 3))
    // pixels 10..29 inclusive span [10, 30) continuously
    assert.deepStrictEqual(Array.from(t.boxes), [10, 20, 30, 50, 0, 0, 512, 512])
    assert.deepStrictEqual(Array.from(t.classes), [1, 5])
    assert.deepStrictEqual(Array.from(t.valid), [1, 0])
  })
})

describe("chipAreaRange()", () => {
  const ranges = [
    [-1, 80],
    [32, 150],
    [120, -1],
  ] as const
  it("scales the valid range by the chip's scale and squares it", () => {
    // finest scale at 3x: [0, (80 x 3)^2) = [0, 57600)
    assert.deepStrictEqual(chipAreaRange(chip(0, 3), ranges), [0, 57600])
    // middle scale at 1.667x: [(32 x 1.667)^2, (150 x 1.667)^2)
    const [lo, hi] = chipAreaRange(chip(1, 1.667), ranges)
    assert.closeTo(lo, 53.344 ** 2, 1e-6)
    assert.closeTo(hi, 250.05 ** 2, 1e-6)
    // coarsest scale: no upper bound
    assert.deepStrictEqual(chipAreaRange(chip(2, 0.5), ranges), [3600, Number.POSITIVE_INFINITY])
  })
})
