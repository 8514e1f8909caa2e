import { assert, describe, it } from "@effect/vitest"
import { defaultChipConfig } from "@sniper/chip-sampler"
import { Effect } from "effect"
import { decodeTrainConfig, demoConfig, sniperCocoR50 } from "./mod.ts"

describe("decodeTrainConfig() with the chip sampler's and the detector's schemas embedded", () => {
  it.effect("fills the chip fields a config leaves out from its mode's defaults, and keeps every one it sets", () =>
    Effect.gen(function* () {
      const { chips: _, ...rest } = demoConfig
      const config = yield* decodeTrainConfig({
        ...rest,
        chips: {
          mode: "paper",
          chipSize: 256,
          maxBoxesPerChip: 7,
          minBoxSide: 4,
          minProposals: { finest: 3, others: 1 },
        },
      })
      assert.deepStrictEqual(config.chips, {
        ...defaultChipConfig("paper"),
        chipSize: 256,
        maxBoxesPerChip: 7,
        minBoxSide: 4,
        minProposals: { finest: 3, others: 1 },
      })
      assert.strictEqual(config.chips.stride, 32) // paper's default
      assert.strictEqual(config.chips.crowd, "ignore")
    }),
  )
  it.effect("decodes the presets to themselves", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* decodeTrainConfig(demoConfig), demoConfig)
      assert.deepStrictEqual(yield* decodeTrainConfig(sniperCocoR50), sniperCocoR50)
    }),
  )
  it.effect("applies the chip sampler's cross-field rules, naming the field", () =>
    Effect.gen(function* () {
      const error = yield* decodeTrainConfig({
        ...demoConfig,
        chips: { ...demoConfig.chips, validRanges: [[-1, 40]] },
      }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "InvalidTrainConfig")
      assert.include(error.message, "must give one range per scale (3), got 1")
      assert.include(error.message, '["chips"]["validRanges"]')
    }),
  )
  it.effect("applies the detector's rule bgIou <= fgIou inside a training config", () =>
    Effect.gen(function* () {
      const d = demoConfig.detector
      const error = yield* decodeTrainConfig({
        ...demoConfig,
        detector: { ...d, rpn: { ...d.rpn, bgIou: 0.6, fgIou: 0.5 } },
      }).pipe(Effect.flip)
      assert.include(error.message, "rpn.bgIou (0.6) must not exceed rpn.fgIou (0.5)")
    }),
  )
})
