import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { GradientReduction } from "./gradient_reduction.ts"
import type { PassGradients } from "./pass_gradients.ts"

function pass(chips: number, gradients: ReadonlyArray<ReadonlyArray<number> | undefined>, total = 1): PassGradients {
  return {
    chips,
    losses: { total, rpnClass: total, rpnBox: 0, roiClass: 0, roiBox: 0 },
    counts: { rpnFg: chips, rpnBg: 1, rois: 2, roiFg: 0 },
    gradients: gradients.map((g) => (g === undefined ? undefined : Float32Array.from(g))),
    statistics: [{ layer: `pass${total}`, mean: Float32Array.of(total), variance: Float32Array.of(1) }],
  }
}

const int = (minimum: number, maximum: number) =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))

describe("GradientReduction", () => {
  it("GradientReduction weights gradients and losses by chips and sums counts", () => {
    // 3 chips: pass 0 has 2 (weight 2/3), pass 1 has 1 (weight 1/3).
    const r = new GradientReduction({ sizes: [2, 1], passes: 2, chips: 3 })
    r.add(1, pass(1, [[3, 0], undefined], 4))
    assert.isFalse(r.complete)
    r.add(0, pass(2, [[0, 6], [9]], 1))
    const out = r.result()
    assert.deepStrictEqual(Array.from(out.gradients[0]!), [1, 4])
    // Variable 1 only reached by pass 0: (2/3) x 9.
    assert.deepStrictEqual(Array.from(out.gradients[1]!), [6])
    assert.closeTo(out.losses.total, (2 / 3) * 1 + (1 / 3) * 4, 1e-12)
    assert.deepStrictEqual(out.counts, { rpnFg: 3, rpnBg: 2, rois: 4, roiFg: 0 })
    assert.deepStrictEqual(
      out.statistics.map((s) => s[0].layer),
      ["pass1", "pass4"],
    )
  })

  it("GradientReduction gives a single pass's gradient back exactly and leaves unreached variables undefined", () => {
    const g = [0.1, -1e-30, 3.4e38, 1 / 3]
    const r = new GradientReduction({ sizes: [4, 2], passes: 1, chips: 5 })
    r.add(0, pass(5, [g, undefined]))
    const out = r.result()
    assert.deepStrictEqual(out.gradients[0], Float32Array.from(g))
    assert.isUndefined(out.gradients[1])
  })

  it.prop(
    "GradientReduction gives the same bits whatever order the passes arrive in",
    [
      Arbitrary.array(
        Arbitrary.all([
          int(1, 3),
          Arbitrary.array(Arbitrary.schema(Schema.Finite.check(Schema.isBetween({ minimum: -1e6, maximum: 1e6 }))), {
            minLength: 5,
            maxLength: 5,
          }),
        ]),
        { minLength: 1, maxLength: 6 },
      ),
      int(0, 1e6),
    ],
    ([passes, seed]) => {
      const chips = passes.reduce((n, [c]) => n + c, 0)
      const reduce = (order: ReadonlyArray<number>) => {
        const r = new GradientReduction({ sizes: [5], passes: passes.length, chips })
        for (const i of order) r.add(i, pass(passes[i][0], [passes[i][1]], i))
        return r.result()
      }
      const inOrder = reduce(passes.map((_, i) => i))
      const shuffled = passes.map((_, i) => i)
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = (seed + 7919 * i) % (i + 1)
        ;[shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]
      }
      const other = reduce(shuffled)
      assert.deepStrictEqual(other.gradients[0], inOrder.gradients[0])
      assert.strictEqual(other.losses.total, inOrder.losses.total)
      assert.deepStrictEqual(
        other.statistics.map((s) => s[0].layer),
        passes.map((_, i) => `pass${i}`),
      )
    },
  )

  it("GradientReduction refuses a repeated or out-of-range pass, a wrong size, and an early or short result", () => {
    const r = new GradientReduction({ sizes: [2], passes: 2, chips: 3 })
    r.add(0, pass(1, [[1, 1]]))
    assert.throws(() => r.add(0, pass(1, [[1, 1]])), /pass index must be a new index below 2, current value is 0/)
    assert.throws(() => r.add(2, pass(1, [[1, 1]])), /current value is 2/)
    assert.throws(() => r.add(1, pass(1, [[1, 1, 1]])), /gradient 0 must have 2 values, current value is 3/)
    const early = new GradientReduction({ sizes: [2], passes: 2, chips: 3 })
    early.add(1, pass(1, [[1, 1]]))
    assert.throws(() => early.result(), /2 of 2 passes missing/)
    r.add(1, pass(1, [[1, 1]]))
    assert.throws(() => r.result(), /cover the step's 3 chips, current value is 2/)
  })
})
