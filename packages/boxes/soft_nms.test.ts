import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { intBox, iouThreshold, plusOne, real, realScoredBoxes } from "./arbitrary_fixtures.ts"
import { baselineSoftNms, toDets } from "./baseline_fixtures.ts"
import { nms, sniperSoftNms, softNms } from "./mod.ts"

const f64 = (xs: number[]) => new Float64Array(xs)

/** Boxes with scores drawn from [lo, 1]. */
const scoredIn = (lo: number) =>
  Arbitrary.map(
    Arbitrary.array(Arbitrary.all([intBox({ span: 80, minSide: 0, maxSide: 60 }), real(lo, 1)]), { maxLength: 40 }),
    (rows) => ({
      boxes: Float64Array.from(rows.flatMap(([b]) => b)),
      scores: Float64Array.from(rows.map(([, s]) => s)),
    }),
  )

describe("softNms()", () => {
  // [0,0,2,2] and [1,1,3,3]: IoU 1/7
  const pair = f64([0, 0, 2, 2, 1, 1, 3, 3])
  it("decays with a Gaussian exp(-IoU² / sigma)", () => {
    const { keep, scores } = softNms(pair, [0.9, 0.8], { method: "gaussian", sigma: 0.5 })
    assert.deepStrictEqual(Array.from(keep), [0, 1])
    assert.closeTo(scores[0], 0.9, 1e-7)
    assert.closeTo(scores[1], 0.8 * Math.exp(-(1 / 49) / 0.5), 1e-7)
  })
  it("decays linearly by 1 - IoU only above iouThreshold", () => {
    const below = softNms(pair, [0.9, 0.8], { method: "linear", iouThreshold: 0.3 })
    assert.closeTo(below.scores[1], 0.8, 1e-7)
    const above = softNms(pair, [0.9, 0.8], { method: "linear", iouThreshold: 0.1 })
    assert.closeTo(above.scores[1], 0.8 * (6 / 7), 1e-7)
  })
  it("re-ranks after decay and drops scores below scoreThreshold", () => {
    // B overlaps A with IoU 0.9: 0.85 exp(-0.81 / 0.5) = 0.168 falls behind the disjoint C (0.5)
    const boxes = f64([0, 0, 10, 10, 0, 0, 10, 9, 50, 50, 60, 60])
    const r = softNms(boxes, [0.9, 0.85, 0.5], { method: "gaussian", sigma: 0.5 })
    assert.deepStrictEqual(Array.from(r.keep), [0, 2, 1])
    assert.closeTo(r.scores[2], 0.85 * Math.exp(-1.62), 1e-7)
    const dropped = softNms(boxes, [0.9, 0.85, 0.5], { method: "gaussian", sigma: 0.5, scoreThreshold: 0.2 })
    assert.deepStrictEqual(Array.from(dropped.keep), [0, 2])
    const capped = softNms(boxes, [0.9, 0.85, 0.5], { method: "gaussian", maxOutput: 1 })
    assert.deepStrictEqual(Array.from(capped.keep), [0])
  })
  it("drops boxes that start below scoreThreshold and breaks ties by index", () => {
    const boxes = f64([0, 0, 1, 1, 10, 10, 11, 11, 20, 20, 21, 21])
    const r = softNms(boxes, [0.0005, 0.7, 0.7], { method: "gaussian" })
    assert.deepStrictEqual(Array.from(r.keep), [1, 2])
  })
  it("sniperSoftNms uses the reference's +1 IoU, sigma 0.55 and threshold 0.001", () => {
    // +1 IoU of the pair: 4 / 14
    const r = softNms(pair, [0.9, 0.8], sniperSoftNms)
    assert.closeTo(r.scores[1], 0.8 * Math.exp(-((4 / 14) ** 2) / 0.55), 1e-7)
  })
  it("decays edge-touching boxes only with +1 widths", () => {
    // [0,0,10,10] and [10,0,20,10]: no overlap; with +1 a shared column of 1 x 11 px, IoU 11 / 231
    const boxes = f64([0, 0, 10, 10, 10, 0, 20, 10, 0, 10, 10, 20])
    const plain = softNms(boxes, [0.9, 0.8, 0.7], { method: "gaussian", sigma: 0.5 })
    assert.deepStrictEqual(Array.from(plain.scores), [0.9, 0.8, 0.7].map(Math.fround))
    const inclusive = softNms(boxes, [0.9, 0.8, 0.7], { method: "gaussian", sigma: 0.5, plusOne: true })
    const decayed = Math.fround(0.8 * Math.exp(-((11 / 231) ** 2) / 0.5))
    assert.deepStrictEqual(Array.from(inclusive.keep), [0, 1, 2])
    assert.strictEqual(inclusive.scores[1], decayed)
    assert.isBelow(inclusive.scores[2], Math.fround(0.7))
  })
  it("refuses bad options", () => {
    assert.throws(() => softNms(pair, [1, 1], { method: "soft" as "linear" }), RangeError, 'method must be "linear"')
    assert.throws(() => softNms(pair, [1, 1], { method: "gaussian", sigma: -1 }), RangeError, "sigma must be")
    assert.throws(() => softNms(pair, [1], { method: "gaussian" }), RangeError, "expected one per box (2)")
    assert.throws(() => softNms(pair, [1, Number.NaN], { method: "linear" }), RangeError, "must not be NaN")
    assert.throws(() => softNms(f64([0, 0, Number.NaN, 1]), [1], { method: "linear" }), RangeError, "NaN at box 0")
    assert.throws(() => softNms(pair, [1, 1], { method: "linear", maxOutput: -1 }), RangeError, "non-negative integer")
  })

  it.prop(
    "gaussian with sigma → 0 equals NMS at IoU 0",
    [scoredIn(0.01), Arbitrary.schema(Schema.Literals([0, 1e-15]))],
    ([s, sigma]) => {
      const soft = softNms(s.boxes, s.scores, { method: "gaussian", sigma })
      assert.deepStrictEqual(Array.from(soft.keep), Array.from(nms(s.boxes, s.scores, { iouThreshold: 0 })))
      assert.deepStrictEqual(
        Array.from(soft.scores),
        Array.from(soft.keep, (i) => Math.fround(s.scores[i])),
      )
    },
  )
  it.prop(
    "linear with scoreThreshold 1 - iouThreshold and scores above it equals NMS",
    [scoredIn(0), iouThreshold, plusOne],
    ([s, t, p]) => {
      const scores = s.scores.map((x) => 1 - t + t * x) // in [1 - t, 1]
      const soft = softNms(s.boxes, scores, { method: "linear", iouThreshold: t, scoreThreshold: 1 - t, plusOne: p })
      assert.deepStrictEqual(Array.from(soft.keep), Array.from(nms(s.boxes, scores, { iouThreshold: t, plusOne: p })))
    },
  )
  it.prop("hard equals NMS for scores above the threshold", [scoredIn(0.01), iouThreshold, plusOne], ([s, t, p]) => {
    const soft = softNms(s.boxes, s.scores, { method: "hard", iouThreshold: t, plusOne: p })
    assert.deepStrictEqual(Array.from(soft.keep), Array.from(nms(s.boxes, s.scores, { iouThreshold: t, plusOne: p })))
    assert.deepStrictEqual(
      Array.from(soft.scores),
      Array.from(soft.keep, (i) => Math.fround(s.scores[i])),
    )
  })
  it.prop(
    "equals the array-of-objects baseline",
    [
      scoredIn(0),
      real(0.05, 2),
      iouThreshold,
      plusOne,
      Arbitrary.schema(Schema.Literals(["linear", "gaussian", "hard"])),
    ],
    ([s, sigma, t, p, method]) => {
      const options = { method, sigma, iouThreshold: t, scoreThreshold: 0.01 }
      const expected = baselineSoftNms(toDets(s.boxes, s.scores), options, p ? 1 : 0)
      const got = softNms(s.boxes, s.scores, { ...options, plusOne: p })
      assert.deepStrictEqual(Array.from(got.keep), expected.keep)
      assert.deepStrictEqual(Array.from(got.scores), expected.scores.map(Math.fround))
    },
  )
  it.prop(
    "equals the baseline on real-valued boxes of very different sizes",
    [realScoredBoxes, real(0.01, 1), Arbitrary.schema(Schema.Literals(["linear", "gaussian", "hard"]))],
    ([s, sigma, method]) => {
      const options = { method, sigma, iouThreshold: 0.1, scoreThreshold: 0.05 }
      const expected = baselineSoftNms(toDets(s.boxes, s.scores), options)
      const got = softNms(s.boxes, s.scores, options)
      assert.deepStrictEqual(Array.from(got.keep), expected.keep)
      assert.deepStrictEqual(Array.from(got.scores), expected.scores.map(Math.fround))
    },
  )
  it.prop("selects distinct boxes with non-increasing scores no higher than the input", [scoredIn(0)], ([s]) => {
    const r = softNms(s.boxes, s.scores, { method: "gaussian", sigma: 0.3 })
    assert.strictEqual(new Set(r.keep).size, r.keep.length)
    for (let k = 0; k < r.keep.length; k++) {
      assert.isAtMost(r.scores[k], Math.fround(s.scores[r.keep[k]]))
      assert.isAtLeast(r.scores[k], Math.fround(0.001))
      if (k > 0) assert.isAtMost(r.scores[k], r.scores[k - 1])
    }
  })
})
