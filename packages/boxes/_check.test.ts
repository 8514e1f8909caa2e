import { assert, describe, it } from "@effect/vitest"
import {
  boxCount,
  checkBoxesNotNaN,
  checkCap,
  checkFinite,
  checkPerBox,
  checkScoresNotNaN,
  checkUnitInterval,
  sameKind,
} from "./_check.ts"

describe("argument checks", () => {
  it("boxCount() counts groups of 4 and refuses a ragged array", () => {
    assert.strictEqual(boxCount(new Float32Array(0)), 0)
    assert.strictEqual(boxCount(Float64Array.from([0, 0, 1, 1, 2, 2, 3, 3])), 2)
    assert.throws(
      () => boxCount(Float64Array.from([0, 0, 1])),
      RangeError,
      "length must be a multiple of 4, current value is 3",
    )
  })
  it("checkPerBox() wants exactly one value per box", () => {
    checkPerBox("scores", [0.5, 0.25], 2)
    assert.throws(
      () => checkPerBox("scores", [0.5], 2, "suppress"),
      RangeError,
      "Cannot suppress scores: expected one per box (2), current value is 1 entries",
    )
  })
  it("checkFinite(), checkUnitInterval() and checkCap() accept their range and name the value otherwise", () => {
    checkFinite("sigma", 0.5, "decay")
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => checkFinite("sigma", bad, "decay"), RangeError, `current value is ${bad}`)
    }
    for (const ok of [0, 0.5, 1]) checkUnitInterval("iouThreshold", ok, "suppress")
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      assert.throws(() => checkUnitInterval("iouThreshold", bad, "suppress"), RangeError, "must be in [0, 1]")
    }
    for (const ok of [0, 3, Number.POSITIVE_INFINITY]) checkCap("maxOutput", ok, "suppress")
    for (const bad of [-1, 2.5, Number.NaN]) {
      assert.throws(() => checkCap("maxOutput", bad, "suppress"), RangeError, "must be a non-negative integer")
    }
  })
  it("the NaN checks name the first bad score or box", () => {
    checkScoresNotNaN([0.1, 0.2], "sort")
    assert.throws(() => checkScoresNotNaN([0.1, Number.NaN, Number.NaN], "sort"), RangeError, "NaN at index 1")
    checkBoxesNotNaN(Float32Array.from([0, 0, 1, 1]), "clip")
    assert.throws(
      () => checkBoxesNotNaN(Float64Array.from([0, 0, 1, 1, 2, Number.NaN, 3, 3]), "clip"),
      RangeError,
      "NaN at box 1",
    )
  })
  it("sameKind() keeps float32 as float32 and float64 as float64", () => {
    assert.instanceOf(sameKind(new Float32Array(4), 8), Float32Array)
    assert.instanceOf(sameKind(new Float64Array(4), 8), Float64Array)
    assert.strictEqual(sameKind(new Float32Array(4), 8).length, 8)
  })
})
