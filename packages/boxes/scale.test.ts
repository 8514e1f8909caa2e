import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { boxSize, boxSizes, fitScale, inValidRange, roundHalfEven, scaledSize, scaleForResolution } from "./mod.ts"

describe("boxSize() / boxSizes()", () => {
  it("is sqrt(w h) without +1", () => {
    const b = new Float64Array([0, 0, 4, 9, 1, 1, 1, 5, 0, 0, 4.9, 9.9])
    assert.strictEqual(boxSize(b, 0), 6)
    assert.strictEqual(boxSize(b, 1), 0)
    assert.deepStrictEqual(Array.from(boxSizes(b)), [6, 0, Math.sqrt(4.9 * 9.9)])
    assert.deepStrictEqual(Array.from(boxSizes(b, { truncate: true })), [6, 0, 6])
    assert.throws(() => boxSize(b, 3), RangeError, "index must be in [0, 3), current value is 3")
  })
})

describe("inValidRange()", () => {
  it("tests [lo, hi) with -1 unbounded, and the other interval kinds", () => {
    assert.isTrue(inValidRange(0, [0, 80]))
    assert.isTrue(inValidRange(79.9, [0, 80]))
    assert.isFalse(inValidRange(80, [0, 80]))
    assert.isTrue(inValidRange(1e9, [120, -1]))
    assert.isFalse(inValidRange(119, [120, -1]))
    assert.isTrue(inValidRange(5, [-1, -1]))
    assert.isFalse(inValidRange(32, [32, 180], { interval: "(]" }))
    assert.isTrue(inValidRange(180, [32, 180], { interval: "(]" }))
    assert.isTrue(inValidRange(32, [32, 180], { interval: "[]" }))
    assert.isTrue(inValidRange(180, [32, 180], { interval: "[]" }))
  })
})

describe("scaleForResolution()", () => {
  it("scales the short side unless the long side would exceed its cap", () => {
    assert.strictEqual(scaleForResolution(640, 480, 800, 1280), 800 / 480) // 1066.7 <= 1280
    assert.strictEqual(scaleForResolution(1000, 300, 1400, 2000), 2) // 4666.7 > 2000
    assert.strictEqual(scaleForResolution(300, 1000, 1400, 2000), 2) // portrait
    assert.strictEqual(scaleForResolution(640, 480, -1, 512), 0.8)
    assert.strictEqual(scaleForResolution(640, 480, 800, -1), 800 / 480)
  })
  it("rounds half to even as numpy does", () => {
    // s = 0.5, s * 13 = 6.5 rounds to 6, not above 6: keep s
    assert.strictEqual(scaleForResolution(13, 2, 1, 6), 0.5)
    // s * 15 = 7.5 rounds to 8 > 7: cap
    assert.strictEqual(scaleForResolution(15, 2, 1, 7), 7 / 15)
    assert.deepStrictEqual([0.5, 1.5, 2.5, -2.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, -2, 2, 3])
  })
  it("refuses impossible sizes", () => {
    assert.throws(() => scaleForResolution(0, 10, 800, 1333), RangeError, "image size must be positive")
    assert.throws(() => scaleForResolution(10, 10, -1, -1), RangeError, "cannot both be -1")
    assert.throws(() => scaleForResolution(10, 10, 0, 10), RangeError, "short must be positive or -1")
  })
  const side = Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5000 })))
  it.prop(
    "keeps the rounded long side within its cap and never exceeds the short-side scale",
    [side, side],
    ([w, h]) => {
      for (const [short, long] of [
        [1400, 2000],
        [800, 1280],
        [480, 512],
      ]) {
        const s = scaleForResolution(w, h, short, long)
        assert.isTrue(roundHalfEven(s * Math.max(w, h)) <= long || s === long / Math.max(w, h))
        assert.isTrue(s <= short / Math.min(w, h))
      }
    },
  )
})

describe("fitScale() / scaledSize()", () => {
  it("fits the long side and truncates scaled sizes", () => {
    assert.strictEqual(fitScale(640, 480, 512), 0.8)
    assert.strictEqual(fitScale(480, 640, 512), 0.8)
    assert.deepStrictEqual(scaledSize(1000, 333, 1.5), [1500, 499])
    assert.deepStrictEqual(scaledSize(640, 427, 1.667), [1066, 711])
    assert.throws(() => fitScale(640, 480, 0), RangeError, "longSide must be positive")
  })
})
