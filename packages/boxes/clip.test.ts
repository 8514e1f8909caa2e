import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { plusOne } from "./arbitrary_fixtures.ts"
import { clipBoxes, clipBoxesInPlace } from "./mod.ts"

describe("clipBoxes()", () => {
  it("clamps to [0, W] x [0, H], or to the last pixel with +1 widths", () => {
    const b = new Float64Array([-5, -5, 105, 50, 10, 10, 20, 20])
    assert.deepStrictEqual(Array.from(clipBoxes(b, 100, 40)), [0, 0, 100, 40, 10, 10, 20, 20])
    assert.deepStrictEqual(Array.from(clipBoxes(b, 100, 40, { plusOne: true })), [0, 0, 99, 39, 10, 10, 20, 20])
    assert.strictEqual(b[0], -5, "input untouched")
  })
  it("returns the input's element type (checked by tsc as well)", () => {
    const f32: Float32Array = clipBoxes(new Float32Array([0, 0, 5, 5]), 3, 3)
    const f64: Float64Array = clipBoxes(new Float64Array([0, 0, 5, 5]), 3, 3)
    assert.instanceOf(f32, Float32Array)
    assert.instanceOf(f64, Float64Array)
  })
  it("clipBoxesInPlace() writes into its argument", () => {
    const b = new Float32Array([-1, 2, 300, 4])
    assert.strictEqual(clipBoxesInPlace(b, 200, 100), b)
    assert.deepStrictEqual(Array.from(b), [0, 2, 200, 4])
  })
  it("refuses a non-finite image size", () => {
    assert.throws(() => clipBoxes(new Float64Array(4), Number.NaN, 3), RangeError, "width must be a finite number")
  })
  const coord = Arbitrary.schema(Schema.Number.check(Schema.isBetween({ minimum: -1e4, maximum: 1e4 })))
  const side = Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 3000 })))
  it.prop(
    "keeps boxes inside and leaves inside boxes alone",
    [Arbitrary.array(coord, { maxLength: 40 }), side, side, plusOne],
    ([xs, w, h, p]) => {
      const b = Float64Array.from(xs.slice(0, xs.length - (xs.length % 4)))
      const c = clipBoxes(b, w, h, { plusOne: p })
      const maxX = w - (p ? 1 : 0)
      const maxY = h - (p ? 1 : 0)
      for (let k = 0; k < c.length; k++) {
        const max = k % 2 === 0 ? maxX : maxY
        assert.isTrue(c[k] >= 0 && c[k] <= max)
        if (b[k] >= 0 && b[k] <= max) assert.strictEqual(c[k], b[k])
      }
    },
  )
})
