import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import type { ChipConfig } from "./config.ts"
import { defaultChipConfig } from "./config.ts"
import { type EligibilityRule, measureBoxes, paperEligible, referenceEligible } from "./eligibility.ts"
import { samplingStrategy } from "./sampling_strategy.ts"

// Default COCO scales (3, 1.667, 512 / max side) on a 640 x 480 image, ranges [0,80) [32,150) [120,inf).
const s = [3, 1.667, 512 / 640]

function eligibleScales(box: ReadonlyArray<number>, config: ChipConfig, rule: EligibilityRule, stride: number) {
  const strategy = samplingStrategy(config.mode)
  const m = measureBoxes(new Float64Array(box), { truncate: strategy.integerBoxes })
  const out = new Uint8Array(1)
  return s
    .filter(
      (si, i) => strategy.eligible(m, 1, { config, scaleIndex: i, fitLimit: (512 - stride - 1) / si, rule }, out) === 1,
    )
    .map(String)
}

const reference = { ...defaultChipConfig("reference"), stride: 56 }
const paper = defaultChipConfig("paper")

describe("referenceEligible() and paperEligible()", () => {
  it("reference chips rule: finest < hi, middle [lo, hi), coarsest >= lo (hand-computed)", () => {
    assert.deepStrictEqual(eligibleScales([0, 0, 50, 50], reference, "chips", 56), ["3", "1.667"]) // size 50
    assert.deepStrictEqual(eligibleScales([0, 0, 20, 20], reference, "chips", 56), ["3"]) // 20 < 32 at 1.667
    assert.deepStrictEqual(eligibleScales([0, 0, 100, 100], reference, "chips", 56), ["1.667"])
    assert.deepStrictEqual(eligibleScales([0, 0, 200, 200], reference, "chips", 56), ["0.8"])
    assert.deepStrictEqual(eligibleScales([0, 0, 130, 130], reference, "chips", 56), ["1.667", "0.8"]) // overlap
  })
  it("reference assign rule has no lower bound below the coarsest scale (the code's quirk)", () => {
    assert.deepStrictEqual(eligibleScales([0, 0, 20, 20], reference, "assign", 56), ["3", "1.667"])
  })
  it("paper applies [lo, hi) at every scale, for both rules", () => {
    assert.deepStrictEqual(eligibleScales([0, 0, 20, 20], paper, "assign", 32), ["3"])
    assert.deepStrictEqual(eligibleScales([0, 0, 20, 20], paper, "chips", 32), ["3"])
    assert.deepStrictEqual(eligibleScales([0, 0, 130, 130], paper, "assign", 32), ["1.667", "0.8"])
  })
  it("a box whose longer side reaches (C - d - 1) / s is never eligible below the coarsest scale", () => {
    // 300 x 30: size 94.9 is in [32, 150) but 300 >= 455 / 1.667 = 272.9, and 94.9 < 120 at the coarsest.
    assert.deepStrictEqual(eligibleScales([0, 0, 300, 30], reference, "chips", 56), [])
    // 270 x 30 fits at 1.667 (270 < 272.9).
    assert.deepStrictEqual(eligibleScales([0, 0, 270, 30], reference, "chips", 56), ["1.667"])
    // The fit limit follows the stride: with d = 32, 479 / 1.667 = 287.3 and 280 x 30 fits in paper mode.
    assert.deepStrictEqual(eligibleScales([0, 0, 280, 30], paper, "chips", 32), ["1.667"])
  })
  it("boxes narrower than 2 px are not eligible at the finest scale", () => {
    assert.deepStrictEqual(eligibleScales([0, 0, 1, 60], reference, "chips", 56), [])
    assert.deepStrictEqual(eligibleScales([0, 0, 2, 60], reference, "chips", 56), ["3"]) // size 10.95
    assert.deepStrictEqual(eligibleScales([0, 0, 1.5, 60], paper, "chips", 32), [])
    assert.deepStrictEqual(eligibleScales([0, 0, 2, 60], paper, "chips", 32), ["3"])
  })
  it("reference truncates w and h before measuring (astype(np.int32)), paper does not", () => {
    // 79.9 x 80.5: reference measures 79 x 80 (size 79.5 < 80: finest); paper 80.2 (not finest).
    assert.deepStrictEqual(eligibleScales([0, 0, 79.9, 80.5], reference, "chips", 56), ["3", "1.667"])
    assert.deepStrictEqual(eligibleScales([0, 0, 79.9, 80.5], paper, "chips", 32), ["1.667"])
  })
})

const side = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 400 }))

describe("referenceEligible() against paperEligible()", () => {
  it.prop(
    "agree on the chips rule at a middle scale for integer boxes: lo <= size < hi and the box fits",
    [side, side],
    ([w, h]) => {
      const m = measureBoxes(new Float64Array([10, 20, 10 + w, 20 + h]), { truncate: true })
      const context = { config: reference, scaleIndex: 1, fitLimit: (512 - 56 - 1) / 1.667, rule: "chips" as const }
      const a = new Uint8Array(1)
      const b = new Uint8Array(1)
      referenceEligible(m, 1, context, a)
      paperEligible(m, 1, context, b)
      assert.strictEqual(a[0], b[0])
    },
  )
})
