import { assert, describe, it } from "@effect/vitest"
import { Arbitrary } from "effect"
import { intBoxes, plusOne, real } from "./arbitrary_fixtures.ts"
import { decodeDeltas, defaultClampLog, encodeDeltas } from "./mod.ts"

const f64 = (xs: number[]) => new Float64Array(xs)
const closeAll = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) => {
  assert.strictEqual(actual.length, expected.length)
  for (let k = 0; k < actual.length; k++) assert.closeTo(actual[k], expected[k], tol, `at ${k}`)
}

describe("encodeDeltas()", () => {
  const anchor = f64([0, 0, 10, 10])
  const target = f64([5, 5, 15, 25])
  it("matches a hand-computed case", () => {
    // anchor centre (5, 5), 10 x 10; target centre (10, 15), 10 x 20
    closeAll(encodeDeltas(anchor, target), [0.5, 1, 0, Math.log(2)], 1e-15)
    closeAll(encodeDeltas(anchor, target, { weights: [10, 10, 5, 5] }), [5, 10, 0, 5 * Math.log(2)], 1e-14)
    // +1 widths: anchor 11 x 11, target 11 x 21, same centres
    closeAll(encodeDeltas(anchor, target, { plusOne: true }), [5 / 11, 10 / 11, 0, Math.log(21 / 11)], 1e-15)
  })
  it("keeps the anchors' element type and refuses mismatched inputs", () => {
    assert.instanceOf(encodeDeltas(new Float32Array(4).fill(1), f64([0, 0, 2, 2])), Float32Array)
    assert.throws(() => encodeDeltas(anchor, f64([])), RangeError, "expected one target per anchor (1)")
    assert.throws(() => encodeDeltas(anchor, target, { weights: [1, 0, 1, 1] }), RangeError, "weights must be positive")
  })
})

describe("decodeDeltas()", () => {
  it("inverts the hand-computed case and clamps dw, dh at log(1000/16)", () => {
    closeAll(decodeDeltas(f64([0, 0, 10, 10]), f64([0.5, 1, 0, Math.log(2)])), [5, 5, 15, 25], 1e-12)
    // dw = 10 is capped: width 10 * 62.5 = 625 about centre 5
    closeAll(decodeDeltas(f64([0, 0, 10, 10]), f64([0, 0, 10, 0])), [5 - 312.5, 0, 5 + 312.5, 10], 1e-9)
    assert.closeTo(defaultClampLog, Math.log(62.5), 1e-15)
    // A custom clamp, and weights divide the deltas first
    closeAll(decodeDeltas(f64([0, 0, 10, 10]), f64([0, 0, 10, 0]), { clampLog: 0 }), [0, 0, 10, 10], 1e-12)
    closeAll(decodeDeltas(f64([0, 0, 10, 10]), f64([10, 0, 0, 0]), { weights: [10, 10, 5, 5] }), [10, 0, 20, 10], 1e-12)
    // +1 widths: anchor 11 wide, doubling gives 22 px inclusive about centre 5: [-5.5, 15.5]
    closeAll(
      decodeDeltas(f64([0, 0, 10, 10]), f64([0, 0, Math.log(2), 0]), { plusOne: true }),
      [-5.5, 0, 15.5, 10],
      1e-12,
    )
  })
  it("clamps nothing with clampLog Infinity and refuses NaN", () => {
    closeAll(
      decodeDeltas(f64([0, 0, 10, 10]), f64([0, 0, 10, 0]), { clampLog: Number.POSITIVE_INFINITY }),
      [5 - 5 * Math.exp(10), 0, 5 + 5 * Math.exp(10), 10],
      1e-6,
    )
    assert.throws(
      () => decodeDeltas(f64([0, 0, 1, 1]), f64([0, 0, 0, 0]), { clampLog: Number.NaN }),
      RangeError,
      "clampLog must be a number",
    )
  })
  it("stays finite for huge deltas", () => {
    const out = decodeDeltas(f64([0, 0, 16, 16]), f64([0, 0, 1e6, 1e6]))
    assert.isTrue(out.every(Number.isFinite))
  })
  // Side ratios stay under 1000/16, where the clamp is inactive.
  const anchorBoxes = intBoxes({ span: 800, minSide: 10, maxSide: 600, maxCount: 10 })
  const targetBoxes = intBoxes({ span: 800, minSide: 1, maxSide: 600, maxCount: 10 })
  it.prop(
    "decode(encode(x)) = x",
    [anchorBoxes, targetBoxes, plusOne, Arbitrary.all([real(0.5, 20), real(0.5, 20), real(0.5, 20), real(0.5, 20)])],
    ([anchors, targets, p, weights]) => {
      const n = Math.min(anchors.length, targets.length)
      const a = anchors.slice(0, n)
      const t = targets.slice(0, n)
      const options = { plusOne: p, weights }
      closeAll(decodeDeltas(a, encodeDeltas(a, t, options), options), t, 1e-9)
    },
  )
})
