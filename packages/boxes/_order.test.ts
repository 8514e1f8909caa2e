import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { float32Keys, radixArgsort, scoreOrder } from "./_order.ts"

const comparatorOrder = (scores: ArrayLike<number>) =>
  Array.from(scores, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b)

// Values that collide in float32 (0.1 and 0.1 + 1e-12, 1e-46 and 0), signed zeros, infinities, large numbers.
const values = [0.1, 0.1 + 1e-12, 0.1 - 1e-12, 0, -0, 1e-46, -1e-46, 1, 2 ** 40 + 1, 2 ** 40, -5, 1e300, -1e300]
values.push(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
const tricky = Arbitrary.map(
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: values.length - 1 }))),
  (k) => values[k],
)

describe("scoreOrder()", () => {
  it("orders by score, highest first, ties by index", () => {
    assert.deepStrictEqual(Array.from(scoreOrder([0.5, 0.9, 0.5, -1, 0.9], "sort")), [1, 4, 0, 2, 3])
    assert.deepStrictEqual(Array.from(scoreOrder([0, -0, 0], "sort")), [0, 1, 2])
    assert.throws(() => scoreOrder([1, Number.NaN], "sort"), RangeError, "Cannot sort: scores must not be NaN")
  })
  it.prop(
    "equals a comparator sort, also where float32 keys collide",
    [Arbitrary.array(tricky, { maxLength: 60 })],
    ([scores]) => {
      const f64 = Float64Array.from(scores)
      assert.deepStrictEqual(Array.from(scoreOrder(f64, "sort")), comparatorOrder(f64))
      const f32 = Float32Array.from(scores)
      assert.deepStrictEqual(Array.from(scoreOrder(f32, "sort")), comparatorOrder(f32))
    },
  )
})

describe("radixArgsort() / float32Keys()", () => {
  it("maps values equal in float32 to one key, signed zeros and underflows included", () => {
    const keys = float32Keys([0, -0, -1e-46, 1e-46, 0.1, 0.1 + 1e-12, -1], 7)
    assert.deepStrictEqual(new Set([keys[0], keys[1], keys[2], keys[3]]).size, 1)
    assert.strictEqual(keys[4], keys[5])
    assert.isTrue(keys[6] < keys[0] && keys[0] < keys[4])
  })
  it.prop("sorts by float32 value, ties in index order", [Arbitrary.array(tricky, { maxLength: 80 })], ([xs]) => {
    const order = radixArgsort(float32Keys(xs, xs.length))
    for (let k = 1; k < order.length; k++) {
      const [a, b] = [xs[order[k - 1]], xs[order[k]]]
      assert.isTrue(Math.fround(a) < Math.fround(b) || (Math.fround(a) === Math.fround(b) && order[k - 1] < order[k]))
    }
  })
})
