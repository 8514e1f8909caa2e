import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import type { ChipConfigOptions } from "./config.ts"
import { chipConfig, defaultChipConfig, resolutionScales } from "./config.ts"

function problem(options: ChipConfigOptions): string {
  const r = chipConfig(options)
  if (Result.isSuccess(r)) return "ok"
  assert.strictEqual(r.failure._tag, "InvalidChipConfig")
  return r.failure.message
}

describe("chipConfig()", () => {
  it("gives each mode its defaults (SNIPER.md section 0)", () => {
    const ref = Result.getOrThrow(chipConfig())
    assert.strictEqual(ref.mode, "reference")
    assert.strictEqual(ref.stride, "random")
    assert.strictEqual(ref.crowd, "drop")
    const paper = Result.getOrThrow(chipConfig({ mode: "paper" }))
    assert.strictEqual(paper.stride, 32)
    assert.strictEqual(paper.crowd, "ignore")
    assert.deepStrictEqual(paper.minProposals, { finest: 25, others: 10 })
    assert.strictEqual(problem({ scales: resolutionScales }), "ok")
  })
  it("rejects scales that are not finest first", () => {
    assert.include(problem({ scales: [{ factor: 1.667 }, { factor: 3 }, { short: -1, long: 512 }] }), "finest first")
    assert.include(problem({ scales: [{ factor: 3 }, { factor: 3 }, { short: -1, long: 512 }] }), "finest first")
    assert.include(
      problem({
        scales: [
          { short: 800, long: 1280 },
          { short: 1400, long: 2000 },
          { short: -1, long: 512 },
        ],
      }),
      "finest first",
    )
  })
  it("rejects bad scale values and an empty list", () => {
    assert.strictEqual(
      problem({ scales: [], validRanges: [] }),
      "Cannot use chip configuration: scales must be a value with a length of at least 1",
    )
    assert.strictEqual(
      problem({ scales: [{ factor: 0 }] }),
      "Cannot use chip configuration: scales[0].factor must be a value greater than 0",
    )
    assert.strictEqual(
      problem({ scales: [{ short: -1, long: -1 }] }),
      "Cannot use chip configuration: scales[0] short and long must not both be -1",
    )
    assert.include(problem({ scales: [{ short: 0, long: 512 }] }), "scales[0].short must be a side > 0 or -1")
  })
  it("rejects valid ranges that leave a gap or overlap wrongly", () => {
    const gap = [
      [-1, 80],
      [100, 150],
      [120, -1],
    ] as const
    assert.include(problem({ validRanges: gap }), "gap")
    const inside = [
      [-1, 200],
      [32, 150],
      [120, -1],
    ] as const // ends below the finer range
    assert.include(problem({ validRanges: inside }), "overlap wrongly")
    assert.include(
      problem({
        validRanges: [
          [10, 80],
          [32, 150],
          [120, -1],
        ],
      }),
      "below 10 px",
    )
    assert.include(
      problem({
        validRanges: [
          [-1, 80],
          [32, 150],
          [120, 500],
        ],
      }),
      "end it at -1",
    )
    assert.include(
      problem({
        validRanges: [
          [-1, 80],
          [150, 32],
          [120, -1],
        ],
      }),
      "validRanges[1] is empty: [150, 32)",
    )
    assert.include(
      problem({
        validRanges: [
          [-1, 80],
          [-2, 32],
          [120, -1],
        ],
      }),
      "validRanges[1][0] must be a size >= 0 or -1",
    )
    assert.include(problem({ validRanges: [[-1, 80]] }), "one range per scale")
  })
  it("rejects a chip too small for the stride, and bad counts", () => {
    assert.include(problem({ chipSize: 58, stride: 57 }), "must exceed stride + 1")
    assert.include(problem({ chipSize: 60 }), "must exceed stride + 1 (60)") // random strides reach 59
    assert.include(problem({ chipSize: 0 }), "chipSize must be a value greater than or equal to 1")
    assert.include(problem({ stride: 1.5 }), "stride must be an integer")
    assert.include(problem({ negativesPerImage: -1 }), "negativesPerImage must be a value greater than or equal to 0")
    assert.include(problem({ maxBoxesPerChip: 0 }), "maxBoxesPerChip")
    assert.include(problem({ minProposals: { finest: 1.5, others: 2 } }), "minProposals.finest must be an integer")
    assert.include(problem({ minBoxSide: -1 }), "minBoxSide")
    assert.include(problem({ crowd: "keep" as "drop" }), 'crowd must be "drop" | "ignore"')
  })
  it("names the field in its message", () => {
    assert.strictEqual(
      problem({ ...defaultChipConfig("paper"), chipSize: 20 }),
      "Cannot use chip configuration: chipSize must exceed stride + 1 (33) or no box fits a chip, got 20",
    )
  })
})
