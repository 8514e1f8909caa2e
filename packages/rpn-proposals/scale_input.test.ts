import { assert, describe, it } from "@effect/vitest"
import { scaleInput } from "./mod.ts"

describe("scaleInput()", () => {
  it("applies the (short, long) rule, rounds the content and pads it to the stride", () => {
    // 640x480 at (480, 512): 480/480 = 1 would make the long side 640 > 512, so s = 512/640 = 0.8: 512x384.
    assert.deepStrictEqual(scaleInput(640, 480, { short: 480, long: 512 }, 16), {
      scale: 0.8,
      scaleX: 0.8,
      scaleY: 0.8,
      contentWidth: 512,
      contentHeight: 384,
      inputWidth: 512,
      inputHeight: 384,
      canvas: 512,
    })
    // 300x200 at long side 256: s = 0.8533, content 256 x round(170.67) = 171, input 256 x 176.
    const g = scaleInput(300, 200, { short: -1, long: 256 }, 16)
    assert.strictEqual(g.contentWidth, 256)
    assert.strictEqual(g.contentHeight, 171)
    assert.strictEqual(g.inputHeight, 176)
    assert.strictEqual(g.canvas, 256)
    assert.closeTo(g.scaleY, 171 / 200, 1e-12)
    // A portrait image: the canvas is the padded height.
    const p = scaleInput(90, 200, { short: 100, long: 1000 }, 16)
    assert.deepStrictEqual(
      [p.contentWidth, p.contentHeight, p.inputWidth, p.inputHeight, p.canvas],
      [100, 222, 112, 224, 224],
    )
  })

  it("refuses a stride that is not a positive integer", () => {
    assert.throws(
      () => scaleInput(10, 10, { short: -1, long: 32 }, 0),
      /stride must be a positive integer, current value is 0/,
    )
  })
})
