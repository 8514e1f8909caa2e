import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { scaleGeometry } from "./mod.ts"

const int = (minimum: number, maximum: number) =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))

describe("scaleGeometry()", () => {
  it("applies the (short, long) rule, rounds the content and pads it to the stride, not to a square", () => {
    // 640x480 at (480, 512): 480/480 = 1 would make the long side 640 > 512, so s = 512/640 = 0.8: 512x384.
    assert.deepStrictEqual(scaleGeometry(640, 480, { short: 480, long: 512 }, 16), {
      scale: 0.8,
      scaleX: 0.8,
      scaleY: 0.8,
      contentWidth: 512,
      contentHeight: 384,
      inputWidth: 512,
      inputHeight: 384,
    })
    // A 640x426 COCO image at (800, 1280): s = 800/426 = 1.87793, long side 1201.88 -> 1202 <= 1280;
    // content 1202 x 800, input 1216 x 800 (the old square path fed 1216 x 1216).
    const coco = scaleGeometry(640, 426, { short: 800, long: 1280 }, 16)
    assert.closeTo(coco.scale, 800 / 426, 1e-12)
    assert.deepStrictEqual(
      [coco.contentWidth, coco.contentHeight, coco.inputWidth, coco.inputHeight],
      [1202, 800, 1216, 800],
    )
    assert.closeTo(coco.scaleX, 1202 / 640, 1e-12)
    assert.closeTo(coco.scaleY, 800 / 426, 1e-12)
    // 640x480 at (1400, 2000): s = 2.91667, content 1867 x 1400, input 1872 x 1408.
    const fine = scaleGeometry(640, 480, { short: 1400, long: 2000 }, 16)
    assert.deepStrictEqual(
      [fine.contentWidth, fine.contentHeight, fine.inputWidth, fine.inputHeight],
      [1867, 1400, 1872, 1408],
    )
    // 300x200 at long side 256: s = 0.8533, content 256 x round(170.67) = 171, input 256 x 176.
    const g = scaleGeometry(300, 200, { short: -1, long: 256 }, 16)
    assert.deepStrictEqual([g.contentWidth, g.contentHeight, g.inputWidth, g.inputHeight], [256, 171, 256, 176])
    assert.closeTo(g.scaleY, 171 / 200, 1e-12)
    // A portrait image: 90x200 at (100, 1000): s = 1.111, content 100 x 222, input 112 x 224.
    const p = scaleGeometry(90, 200, { short: 100, long: 1000 }, 16)
    assert.deepStrictEqual([p.contentWidth, p.contentHeight, p.inputWidth, p.inputHeight], [100, 222, 112, 224])
  })

  it("rounds the content size (coco-io's resize), where truncation would lose a pixel", () => {
    // 333x100 at short 150: s = 1.5, width 499.5 rounds to 500 (truncation: 499), so scaleX = 500/333 != 1.5.
    const g = scaleGeometry(333, 100, { short: 150, long: -1 }, 16)
    assert.strictEqual(g.scale, 1.5)
    assert.deepStrictEqual([g.contentWidth, g.contentHeight, g.inputWidth, g.inputHeight], [500, 150, 512, 160])
    assert.closeTo(g.scaleX, 500 / 333, 1e-12)
    assert.strictEqual(g.scaleY, 1.5)
  })

  it.prop(
    "pads each side by less than one stride; the content is each side scaled and rounded",
    [int(1, 3000), int(1, 3000), int(16, 2000)],
    ([width, height, long]) => {
      const g = scaleGeometry(width, height, { short: -1, long }, 16)
      for (const [content, input] of [
        [g.contentWidth, g.inputWidth],
        [g.contentHeight, g.inputHeight],
      ]) {
        assert.strictEqual(input % 16, 0)
        assert.isTrue(input >= content && input - content < 16)
      }
      // The content is the scaled side rounded (at least 1 px), so scaleX and scaleY stay within half a px of s.
      assert.isTrue(Math.abs(g.contentWidth - g.scale * width) <= 0.5 || g.contentWidth === 1)
      assert.isTrue(Math.abs(g.contentHeight - g.scale * height) <= 0.5 || g.contentHeight === 1)
      assert.closeTo(g.scaleX * width, g.contentWidth, 1e-9)
      assert.closeTo(g.scaleY * height, g.contentHeight, 1e-9)
    },
  )

  it("refuses a stride that is not a positive integer", () => {
    assert.throws(
      () => scaleGeometry(10, 10, { short: -1, long: 32 }, 0),
      /stride must be a positive integer, current value is 0/,
    )
  })
})
