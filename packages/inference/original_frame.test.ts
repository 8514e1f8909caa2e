import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { scaleGeometry, toOriginalFrame } from "./mod.ts"

describe("toOriginalFrame()", () => {
  it("divides x by scaleX and y by scaleY", () => {
    // A 200x100 image shown at 2x: scaled box (10, 20, 110, 60) covers original (5, 10, 55, 30).
    const frame = { scaleX: 2, scaleY: 2, contentWidth: 400, contentHeight: 200, width: 200, height: 100 }
    assert.deepStrictEqual(Array.from(toOriginalFrame(Float32Array.from([10, 20, 110, 60]), frame)), [5, 10, 55, 30])
    // 333x100 at short side 150: content round(499.5) = 500 x 150, so x scales by 500/333 and y by 1.5.
    const g = scaleGeometry(333, 100, { short: 150, long: -1 }, 16)
    const odd = toOriginalFrame(Float32Array.from([100, 30, 400, 150]), { ...g, width: 333, height: 100 })
    const want = [66.6, 20, 266.4, 100]
    want.forEach((v, i) => {
      assert.closeTo(odd[i], v, 1e-9)
    })
  })

  it("clips to the content first: a box in the stride padding ends at the image's right and bottom edge", () => {
    // 640x426 at (800, 1280): content 1202 x 800 inside a 1216 x 800 input. A box reaching x = 1216 (padding)
    // ends at x = 640, not at 1216 / 1.878 = 647.5; one below the content ends at y = 426.
    const g = scaleGeometry(640, 426, { short: 800, long: 1280 }, 16)
    const out = toOriginalFrame(Float32Array.from([1100, 700, 1216, 810, -8, -2, 40, 30]), {
      ...g,
      width: 640,
      height: 426,
    })
    assert.closeTo(out[0], 1100 / g.scaleX, 1e-9)
    assert.closeTo(out[1], 700 / g.scaleY, 1e-9)
    assert.strictEqual(out[2], 640)
    assert.strictEqual(out[3], 426)
    assert.deepStrictEqual(Array.from(out.subarray(4, 6)), [0, 0])
  })

  const int = (minimum: number, maximum: number) =>
    Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))
  const frame = Arbitrary.map(
    Arbitrary.all({ width: int(1, 2000), height: int(1, 2000), long: int(8, 2500) }),
    (f) => ({
      ...scaleGeometry(f.width, f.height, { short: -1, long: f.long }, 16),
      width: f.width,
      height: f.height,
    }),
  )
  const coordinate = Arbitrary.schema(Schema.Finite.check(Schema.isBetween({ minimum: -5000, maximum: 5000 })))
  const coordinates = Arbitrary.map(Arbitrary.array(coordinate, { minLength: 4, maxLength: 40 }), (a) =>
    Float64Array.from(a.slice(0, a.length - (a.length % 4))),
  )

  it.prop(
    "keeps every box inside the original image, and coordinates inside the content only divided",
    [frame, coordinates],
    ([f, boxes]) => {
      const out = toOriginalFrame(boxes, f)
      for (let k = 0; k < out.length; k++) assert.isTrue(out[k] >= 0 && out[k] <= (k % 2 === 0 ? f.width : f.height))
      for (let k = 0; k < boxes.length; k++) {
        const x = k % 2 === 0
        const content = x ? f.contentWidth : f.contentHeight
        if (boxes[k] >= 0 && boxes[k] <= content) assert.closeTo(out[k], boxes[k] / (x ? f.scaleX : f.scaleY), 1e-9)
      }
    },
  )

  it("refuses a factor that is not positive and boxes that are not 4 numbers each", () => {
    const f = { scaleX: 0, scaleY: 1, contentWidth: 10, contentHeight: 10, width: 10, height: 10 }
    assert.throws(() => toOriginalFrame(new Float32Array(4), f), /scaleX must be positive, current value is 0/)
    assert.throws(() => toOriginalFrame(new Float32Array(5), { ...f, scaleX: 1 }), /current length is 5/)
  })
})
