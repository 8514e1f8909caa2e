import { assert, describe, it } from "@effect/vitest"
import { cellAnchors, gridAnchors } from "./anchors.ts"

describe("cellAnchors()", () => {
  it("cellAnchors() gives SNIPER's 21 anchors with sides 32..384 and height/width = ratio", () => {
    const scales = [2, 4, 7, 10, 13, 16, 24]
    const ratios = [0.5, 1, 2]
    const a = cellAnchors(16, scales, ratios)
    assert.strictEqual(a.length / 4, 21)
    // ratio 1 block: squares of side 16 x scale centred on 0
    for (let s = 0; s < 7; s++) {
      const k = 4 * (7 + s)
      assert.closeTo(a[k + 2] - a[k], 16 * scales[s], 1e-4)
      assert.closeTo(a[k + 3] - a[k + 1], 16 * scales[s], 1e-4)
      assert.closeTo(a[k] + a[k + 2], 0, 1e-4)
    }
    // ratio 2, scale 2: area 32², h / w = 2 -> w = 32 / sqrt 2, h = 32 sqrt 2
    const k = 4 * 14
    assert.closeTo(a[k + 2] - a[k], 32 / Math.SQRT2, 1e-4)
    assert.closeTo(a[k + 3] - a[k + 1], 32 * Math.SQRT2, 1e-4)
  })
})

describe("gridAnchors()", () => {
  it("gridAnchors() orders anchors (y, x, a) centred on cell centres", () => {
    const g = gridAnchors(2, 3, { stride: 16, scales: [1, 2], ratios: [1] })
    assert.strictEqual(g.length, 2 * 3 * 2 * 4)
    // cell (y = 1, x = 2), anchor 1 (side 32): centre (40, 24)
    const k = 4 * ((1 * 3 + 2) * 2 + 1)
    assert.deepStrictEqual(Array.from(g.subarray(k, k + 4)), [24, 8, 56, 40])
  })
})
