import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { epochsFor } from "./budget.ts"
import type { PixelTotals } from "./training_pixels.ts"

/** Epochs alternating 10 and 12 chips, 100 input px a chip, 60 image px. */
const alternating = (epoch: number): PixelTotals => {
  const chips = epoch % 2 === 0 ? 10 : 12
  return { chips, inputPixels: 100 * chips, imagePixels: 60 * chips }
}

describe("epochsFor()", () => {
  it("picks the epoch count whose total is closest (hand-computed), the smaller on a tie", () => {
    // Totals 10, 22, 32, 44: 25 is 3 from 22, 28 is 4 from 32, 27 is 5 from both.
    assert.strictEqual(epochsFor(alternating, { target: 25, unit: "chips" }).epochs, 2)
    assert.strictEqual(epochsFor(alternating, { target: 28, unit: "chips" }).epochs, 3)
    assert.strictEqual(epochsFor(alternating, { target: 27, unit: "chips" }).epochs, 2)
    assert.strictEqual(epochsFor(alternating, { target: 44, unit: "chips" }).epochs, 4)
    // In input pixels: 2200 after two epochs, 3200 after three; 2800 is 600 from 2200, 400 from 3200.
    assert.strictEqual(epochsFor(alternating, { target: 2800, unit: "inputPixels" }).epochs, 3)
    assert.deepStrictEqual(
      epochsFor(alternating, { target: 1900, unit: "imagePixels" }).perEpoch.map((t) => t.chips),
      [10, 12, 10],
    )
  })
  it("trains at least one epoch, and asks for one epoch beyond the answer at most", () => {
    let asked = 0
    const counted = (epoch: number) => {
      asked++
      return alternating(epoch)
    }
    assert.strictEqual(epochsFor(counted, { target: 1, unit: "chips" }).epochs, 1)
    asked = 0
    assert.strictEqual(epochsFor(counted, { target: 25, unit: "chips" }).epochs, 2)
    assert.strictEqual(asked, 3)
  })
  it("refuses a budget that is not positive and an epoch that brings nothing", () => {
    assert.throws(
      () => epochsFor(alternating, { target: 0, unit: "chips" }),
      RangeError,
      "the budget must be a positive number",
    )
    assert.throws(
      () => epochsFor(() => ({ chips: 0, inputPixels: 0, imagePixels: 0 }), { target: 5, unit: "chips" }),
      RangeError,
      "Cannot size the arm: epoch 1 has no chips, current value is 0",
    )
  })
  it.prop(
    "no other number of epochs comes closer to the target",
    [
      Schema.Array(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 50 }))).check(
        Schema.isMinLength(1),
        Schema.isMaxLength(8),
      ),
      Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 400 })),
    ],
    ([chips, target]) => {
      const epochTotals = (e: number): PixelTotals => {
        const c = chips[e % chips.length]
        return { chips: c, inputPixels: c, imagePixels: c }
      }
      const { epochs } = epochsFor(epochTotals, { target: target, unit: "chips" })
      const total = (n: number) => Array.from({ length: n }, (_, e) => epochTotals(e).chips).reduce((a, b) => a + b, 0)
      const gap = Math.abs(total(epochs) - target)
      for (let n = 1; n <= epochs + 3; n++) assert.isAtMost(gap, Math.abs(total(n) - target), `${n} epochs`)
    },
  )
})
