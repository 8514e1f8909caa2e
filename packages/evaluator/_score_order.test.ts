import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { categoryScoreOrder } from "./_score_order.ts"

const int = (minimum: number, maximum: number) =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))
// scores from a small set so ties are common, with negatives, zeros of both signs and extremes
const special = [-1e300, -2.5, -1, -0.001, -0, 0, 1e-320, 0.001, 0.5, 0.5000000000000001, 1, 3, 1e300]
const rows = Arbitrary.array(Arbitrary.all([int(0, 3), int(0, special.length - 1)]), { maxLength: 200 })

describe("categoryScoreOrder()", () => {
  it("categoryScoreOrder() orders by category, then score descending, ties by position", () => {
    const order = categoryScoreOrder(Int32Array.of(1, 0, 1, 0, 1), Float64Array.of(0.5, 0.2, 0.9, 0.2, 0.5), 2)
    assert.deepStrictEqual([...order], [1, 3, 2, 0, 4])
  })

  it.prop("categoryScoreOrder() equals a stable comparator sort", [rows], ([pairs]) => {
    const category = Int32Array.from(pairs, ([c]) => c)
    const score = Float64Array.from(pairs, ([, s]) => special[s])
    const expected = pairs.map((_, i) => i).sort((a, b) => category[a] - category[b] || score[b] - score[a] || a - b)
    assert.deepStrictEqual([...categoryScoreOrder(category, score, 4)], expected)
  })
})
