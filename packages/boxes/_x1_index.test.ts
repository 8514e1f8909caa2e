import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { buildX1Index, lowerBound, sizeLevel, windowHigh, windowLow } from "./_x1_index.ts"
import { intBoxes } from "./arbitrary_fixtures.ts"

describe("buildX1Index()", () => {
  it("lays boxes out bucket by bucket in x1 order, ties by index, with +1 areas", () => {
    const boxes = new Float64Array([5, 0, 9, 2, 1, 1, 3, 3, 5, 5, 5, 9, 0, 0, 4, 4])
    const index = buildX1Index(boxes, new Int32Array([1, 1, 0, 1]), 3, 1)
    assert.deepStrictEqual(Array.from(index.start), [0, 1, 4, 4])
    assert.deepStrictEqual(Array.from(index.box), [2, 3, 1, 0])
    assert.deepStrictEqual(Array.from(index.pos), [3, 2, 0, 1])
    assert.deepStrictEqual(Array.from(index.x2), [5, 4, 3, 9])
    assert.deepStrictEqual(Array.from(index.area), [5, 25, 9, 15])
  })
  it.prop(
    "is a permutation sorted by (bucket, x1, index) carrying each box's corners and area",
    [
      intBoxes({ span: 40, minSide: 0, maxSide: 20, maxCount: 50 }),
      Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 }))),
    ],
    ([boxes, buckets]) => {
      const n = boxes.length / 4
      const bucketOf = Int32Array.from({ length: n }, (_, i) => (i * 7) % buckets)
      const index = buildX1Index(boxes, bucketOf, buckets, 0)
      const expected = Array.from({ length: n }, (_, i) => i).sort(
        (i, j) => bucketOf[i] - bucketOf[j] || boxes[4 * i] - boxes[4 * j] || i - j,
      )
      assert.deepStrictEqual(Array.from(index.box), expected)
      for (let p = 0; p < n; p++) {
        const i = index.box[p]
        assert.strictEqual(index.pos[i], p)
        assert.isTrue(index.start[bucketOf[i]] <= p && p < index.start[bucketOf[i] + 1])
        assert.deepStrictEqual(
          [index.x1[p], index.y1[p], index.x2[p], index.y2[p]],
          Array.from(boxes.slice(4 * i, 4 * i + 4)),
        )
        const [w, h] = [boxes[4 * i + 2] - boxes[4 * i], boxes[4 * i + 3] - boxes[4 * i + 1]]
        assert.strictEqual(index.area[p], w > 0 && h > 0 ? w * h : 0)
      }
    },
  )
})

describe("lowerBound()", () => {
  it.prop(
    "finds the first key >= value inside the range, as a linear scan",
    [
      Arbitrary.array(Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: -5, maximum: 5 }))), {
        maxLength: 30,
      }),
      Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: -6, maximum: 6 }))),
    ],
    ([xs, value]) => {
      const keys = Float32Array.from(xs).sort()
      for (let lo = 0; lo <= keys.length; lo++) {
        let expected = lo
        while (expected < keys.length && keys[expected] < value) expected++
        assert.strictEqual(lowerBound(keys, lo, keys.length, value), expected)
      }
    },
  )
})

describe("sizeLevel() / windowLow() / windowHigh()", () => {
  it("gives the least L with side <= 2^L, and windows that hold every box of that level meeting [x1, x2]", () => {
    assert.deepStrictEqual([0.5, 1, 1.5, 2, 3, 1024, 1025].map(sizeLevel), [0, 0, 1, 1, 2, 10, 11])
    assert.strictEqual(sizeLevel(Number.POSITIVE_INFINITY), 1100)
    assert.strictEqual(sizeLevel(Number.NaN), 0)
    // A box of width 4 (level 2) ending at x = 10.5 meets [10, 20]; its x1 = 6.5 lies inside the window.
    assert.isTrue(windowLow(10, 2) <= 6.5 && 6.5 < 10)
    assert.isTrue(windowHigh(20, 0) >= 20 && windowHigh(20, 1) >= 21)
    assert.strictEqual(windowLow(1e9, 0), Math.fround(windowLow(1e9, 0)))
  })
})
