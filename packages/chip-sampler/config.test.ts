import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import type { ChipConfigOptions } from "./config.ts"
import { ChipConfig, chipConfig, defaultChipConfig, fieldPath, resolutionScales, trainsEveryBox } from "./config.ts"

function problem(options: ChipConfigOptions): string {
  const r = chipConfig(options)
  if (Result.isSuccess(r)) return "ok"
  assert.strictEqual(r.failure._tag, "InvalidChipConfig")
  return r.failure.message
}

describe("chipConfig()", () => {
  it("gives each mode its defaults (docs/sniper.md section 0)", () => {
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

// A value other than either mode's default for each of the ten fields.
const settings: ChipConfigOptions = {
  mode: "paper",
  scales: resolutionScales,
  validRanges: [
    [-1, 100],
    [40, 200],
    [150, -1],
  ],
  chipSize: 384,
  stride: 48,
  negativesPerImage: 5,
  minProposals: { finest: 7, others: 3 },
  maxBoxesPerChip: 50,
  minBoxSide: 4,
  crowd: "drop",
}

describe("ChipConfig schema", () => {
  it("keeps every one of the ten fields a config sets", () => {
    const keys = Object.keys(settings) as Array<keyof ChipConfigOptions>
    assert.strictEqual(keys.length, 10)
    assert.deepStrictEqual(Result.getOrThrow(chipConfig(settings)), settings)
    for (const key of keys) {
      const config = Result.getOrThrow(chipConfig({ [key]: settings[key] }))
      assert.deepStrictEqual(config[key], settings[key], key)
    }
  })
  it("takes the defaults of the mode a config names", () => {
    const config = Result.getOrThrow(chipConfig({ mode: "paper", stride: 48 }))
    assert.deepStrictEqual(config, { ...defaultChipConfig("paper"), stride: 48 })
  })
  it("encodes a decoded config to itself, and decodes that again to the same", () => {
    for (const options of [{}, { mode: "paper" as const }, settings]) {
      const config = Result.getOrThrow(chipConfig(options))
      const encoded = Schema.encodeSync(ChipConfig)(config)
      assert.deepStrictEqual(encoded, config)
      assert.deepStrictEqual(Schema.decodeUnknownSync(ChipConfig)(encoded), config)
    }
  })
  it("checks its rules where another schema embeds it, at the embedded path", () => {
    const Outer = Schema.Struct({ chips: ChipConfig })
    const r = Schema.decodeUnknownResult(Outer)({ chips: { chipSize: 40 } })
    assert.isTrue(Result.isFailure(r))
    if (Result.isFailure(r)) {
      assert.include(r.failure.message, "must exceed stride + 1 (60)")
      assert.include(r.failure.message, '["chips"]["chipSize"]')
    }
    assert.deepStrictEqual(Schema.decodeUnknownSync(Outer)({ chips: {} }).chips, defaultChipConfig("reference"))
  })
})

describe("ChipConfig switches (sampling, outOfRange)", () => {
  it("are absent unless set, so configurations written before them encode the same", () => {
    const config = Result.getOrThrow(chipConfig({ mode: "paper" }))
    assert.isFalse("sampling" in config || "outOfRange" in config)
    assert.isFalse("sampling" in Schema.encodeSync(ChipConfig)(config))
    assert.isFalse(trainsEveryBox(config))
  })
  it("decode, encode and say whether every box trains as valid", () => {
    const whole = Result.getOrThrow(chipConfig({ sampling: "whole-image" }))
    assert.deepStrictEqual(whole, { ...defaultChipConfig("reference"), sampling: "whole-image" })
    assert.deepStrictEqual(Schema.encodeSync(ChipConfig)(whole), whole)
    assert.isTrue(trainsEveryBox(whole))
    assert.isTrue(trainsEveryBox(Result.getOrThrow(chipConfig({ outOfRange: "valid" }))))
    assert.isFalse(trainsEveryBox(Result.getOrThrow(chipConfig({ sampling: "chips", outOfRange: "ignore" }))))
  })
  it("refuse other values, naming the field", () => {
    assert.include(problem({ sampling: "pyramid" as "chips" }), 'sampling must be "chips" | "whole-image"')
    assert.include(problem({ outOfRange: "drop" as "valid" }), 'outOfRange must be "ignore" | "valid"')
  })
})

describe("fieldPath()", () => {
  it("writes indices in brackets and keys after dots", () => {
    assert.strictEqual(fieldPath(["validRanges", 0]), "validRanges[0]")
    assert.strictEqual(fieldPath(["validRanges", 1, 0]), "validRanges[1][0]")
    assert.strictEqual(fieldPath(["minProposals", "finest"]), "minProposals.finest")
    assert.strictEqual(fieldPath([{ key: "scales" }, { key: 2 }]), "scales[2]")
    assert.strictEqual(fieldPath([]), "config")
  })
})
