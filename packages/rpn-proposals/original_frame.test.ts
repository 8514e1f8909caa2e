import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { toOriginalFrame } from "./mod.ts"

describe("toOriginalFrame()", () => {
  it("divides by the scale of each axis", () => {
    // A 200x100 image shown at 2x: scaled box (10, 20, 110, 60) covers original (5, 10, 55, 30).
    const out = toOriginalFrame(Float32Array.from([10, 20, 110, 60]), { scaleX: 2, scaleY: 2, width: 200, height: 100 })
    assert.deepStrictEqual(Array.from(out), [5, 10, 55, 30])
    // 333x100 at long side 500: content 500 x round(150.15) = 150 px, so x scales by 500/333 and y by 1.5.
    const odd = toOriginalFrame(Float32Array.from([100, 30, 400, 150]), {
      scaleX: 500 / 333,
      scaleY: 1.5,
      width: 333,
      height: 100,
    })
    const want = [66.6, 20, 266.4, 100]
    want.forEach((v, i) => {
      assert.closeTo(odd[i], v, 1e-9)
    })
  })

  it("clamps boxes reaching outside the image to its borders", () => {
    const out = toOriginalFrame(Float32Array.from([-8, -2, 450, 90]), {
      scaleX: 2,
      scaleY: 0.5,
      width: 200,
      height: 100,
    })
    assert.deepStrictEqual(Array.from(out), [0, 0, 200, 100])
  })

  const between = (minimum: number, maximum: number) =>
    Arbitrary.schema(Schema.Finite.check(Schema.isBetween({ minimum, maximum })))
  const side = Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 2000 })))
  const frame = Arbitrary.all({ width: side, height: side, scaleX: between(0.05, 4), scaleY: between(0.05, 4) })
  const coordinates = Arbitrary.map(Arbitrary.array(between(-5000, 5000), { minLength: 4, maxLength: 40 }), (a) =>
    Float64Array.from(a.slice(0, a.length - (a.length % 4))),
  )

  it.prop(
    "keeps every box inside the original image, and boxes inside the content unclamped",
    [frame, coordinates],
    ([f, boxes]) => {
      const out = toOriginalFrame(boxes, f)
      for (let k = 0; k < out.length; k++) assert.isTrue(out[k] >= 0 && out[k] <= (k % 2 === 0 ? f.width : f.height))
      for (let k = 0; k < boxes.length; k++) {
        const x = k % 2 === 0
        const v = boxes[k] / (x ? f.scaleX : f.scaleY)
        const limit = x ? f.width : f.height
        if (v >= 0 && v <= limit) assert.strictEqual(out[k], v)
      }
    },
  )

  it("refuses a scale that is not positive and boxes that are not 4 numbers each", () => {
    assert.throws(
      () => toOriginalFrame(new Float32Array(4), { scaleX: 0, scaleY: 1, width: 10, height: 10 }),
      /scaleX must be positive, current value is 0/,
    )
    assert.throws(
      () => toOriginalFrame(new Float32Array(5), { scaleX: 1, scaleY: 1, width: 10, height: 10 }),
      /current length is 5/,
    )
  })
})
