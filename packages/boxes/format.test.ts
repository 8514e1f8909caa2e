import { assert, describe, it } from "@effect/vitest"
import { intBoxes } from "./arbitrary_fixtures.ts"
import { areas, boxCount, xywhToXyxy, xyxyToXywh } from "./mod.ts"

describe("boxCount()", () => {
  it("counts 4 numbers a box and refuses a ragged array", () => {
    assert.strictEqual(boxCount(new Float32Array(8)), 2)
    assert.strictEqual(boxCount(new Float64Array(0)), 0)
    assert.throws(() => boxCount(new Float64Array(5)), RangeError, "length must be a multiple of 4, current value is 5")
  })
})

describe("xywhToXyxy() / xyxyToXywh()", () => {
  it("converts a hand-written box both ways and keeps the element type", () => {
    const xyxy = xywhToXyxy(new Float32Array([1, 2, 3, 4, 10, 10, 0, 0]))
    assert.instanceOf(xyxy, Float32Array)
    assert.deepStrictEqual(Array.from(xyxy), [1, 2, 4, 6, 10, 10, 10, 10])
    const xywh = xyxyToXywh(new Float64Array([1, 2, 4, 6]))
    assert.instanceOf(xywh, Float64Array)
    assert.deepStrictEqual(Array.from(xywh), [1, 2, 3, 4])
  })
  it.prop(
    "round-trips integer boxes exactly",
    [intBoxes({ span: 1000, minSide: 0, maxSide: 500, maxCount: 20 })],
    ([b]) => {
      assert.deepStrictEqual(Array.from(xywhToXyxy(xyxyToXywh(b))), Array.from(b))
    },
  )
})

describe("areas()", () => {
  it("computes w * h, +1 widths on request, 0 for inverted boxes", () => {
    const b = new Float64Array([0, 0, 2, 3, 5, 5, 4, 9, 1, 1, 1, 1])
    assert.deepStrictEqual(Array.from(areas(b)), [6, 0, 0])
    assert.deepStrictEqual(Array.from(areas(b, { plusOne: true })), [12, 0, 1])
  })
})
