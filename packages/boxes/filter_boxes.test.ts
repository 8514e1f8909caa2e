import { assert, describe, it } from "@effect/vitest"
import { intBoxes, real } from "./arbitrary_fixtures.ts"
import { areas, filterBoxes } from "./mod.ts"

describe("filterBoxes()", () => {
  // sizes: 2x2 (area 4), 3x3 (9), 10x1 (10), 4x4 (16)
  const b = new Float64Array([0, 0, 2, 2, 0, 0, 3, 3, 0, 0, 10, 1, 0, 0, 4, 4])
  it("keeps boxes whose both sides reach minSide", () => {
    assert.deepStrictEqual(Array.from(filterBoxes(b, { minSide: 3 })), [1, 3])
    // +1 widths (reference filter_boxes): 3x3, 4x4, 11x2, 5x5
    assert.deepStrictEqual(Array.from(filterBoxes(b, { minSide: 3, plusOne: true })), [0, 1, 3])
  })
  it("keeps areas in [min, max) by default and (min, max] on request", () => {
    assert.deepStrictEqual(Array.from(filterBoxes(b, { minArea: 9, maxArea: 16 })), [1, 2])
    assert.deepStrictEqual(Array.from(filterBoxes(b, { minArea: 9, maxArea: 16, areaInterval: "(]" })), [2, 3])
    assert.deepStrictEqual(Array.from(filterBoxes(b, { maxArea: 9 })), [0])
    assert.deepStrictEqual(Array.from(filterBoxes(b, {})), [0, 1, 2, 3])
    assert.throws(() => filterBoxes(b, { minArea: Number.NaN }), RangeError, "minArea must be a number")
  })
  it.prop(
    "keeps exactly the boxes that pass, in order",
    [intBoxes({ span: 100, minSide: 0, maxSide: 40, maxCount: 30 }), real(0, 500), real(0, 1000)],
    ([boxes, lo, hi]) => {
      const keep = filterBoxes(boxes, { minArea: lo, maxArea: hi })
      const a = areas(boxes)
      const expected = Array.from(a.keys()).filter((i) => a[i] >= lo && a[i] < hi)
      assert.deepStrictEqual(Array.from(keep), expected)
    },
  )
})
