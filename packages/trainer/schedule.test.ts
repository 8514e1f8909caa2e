import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { learningRateAt } from "./schedule.ts"

const recipe = {
  learningRate: 0.015,
  warmupSteps: 1000,
  warmupFactor: 0.0005 / 0.015,
  decayEpochs: [5.33],
  decayFactor: 0.1,
  stepsPerEpoch: 300,
}

describe("learningRateAt()", () => {
  it("warms up linearly from the reference's 0.0005 to 0.015", () => {
    assert.closeTo(learningRateAt(0, recipe), 0.0005, 1e-12)
    // halfway: 0.0005 + (0.015 - 0.0005) / 2
    assert.closeTo(learningRateAt(500, recipe), 0.00775, 1e-12)
    assert.closeTo(learningRateAt(1000, recipe), 0.015, 1e-12)
  })
  it("steps down by 10 at epoch 5.33 (step round(5.33 x 300) = 1599)", () => {
    assert.closeTo(learningRateAt(1598, recipe), 0.015, 1e-12)
    assert.closeTo(learningRateAt(1599, recipe), 0.0015, 1e-12)
  })
  it.prop(
    "never exceeds the base rate and never grows after warm-up",
    [
      Schema.Int.check(Schema.isBetween({ minimum: 1000, maximum: 5000 })),
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 })),
    ],
    ([step, more]) => {
      const a = learningRateAt(step, recipe)
      const b = learningRateAt(step + more, recipe)
      assert.isAtMost(a, recipe.learningRate)
      assert.isAtMost(b, a)
    },
  )
})
