import { assert, describe, it } from "@effect/vitest"
import { decodeTrainConfig, type TrainConfig } from "@sniper/trainer"
import { Effect } from "effect"
import { armConfig } from "./arm_config.ts"
import { multiScaleData, sniperConfig } from "./base_config.ts"
import { chipBudget } from "./chip_budget.ts"
import type { Experiment } from "./experiment.ts"
import { nowhereData, twoImageDataset } from "./experiment_fixtures.ts"
import { sniperVsPyramid } from "./sniper_vs_pyramid.ts"
import { validRanges } from "./valid_ranges.ts"

const armOf = (experiment: Experiment, name: string): TrainConfig => {
  const arm = experiment.arms.find((a) => a.name === name)
  if (arm === undefined) throw new Error(`no arm ${name} in ${experiment.name}`)
  return arm.config
}
const prepared = (experiment: Experiment, name: string) =>
  armConfig(experiment, experiment.arms.find((a) => a.name === name)!, {
    seed: 1,
    data: nowhereData,
    trainSet: twoImageDataset(),
  })

describe("multiScaleData and sniperConfig", () => {
  it("hold 100 training and 150 val images of 160..256 px", () => {
    const { images, valFraction, longSide } = multiScaleData
    assert.strictEqual(Math.round(images * valFraction), 150)
    assert.strictEqual(images - Math.round(images * valFraction), 100)
    assert.deepStrictEqual(longSide, [160, 256])
  })
  it("train 128 px chips at 2x, 1x and 0.5x with overlapping valid ranges", () => {
    const { chips } = sniperConfig
    assert.strictEqual(chips.chipSize, 128)
    assert.deepStrictEqual(chips.scales, [{ factor: 2 }, { factor: 1 }, { factor: 0.5 }])
    assert.strictEqual(chips.validRanges.length, chips.scales.length)
    for (let i = 1; i < chips.validRanges.length; i++)
      assert.isBelow(chips.validRanges[i][0], chips.validRanges[i - 1][1], `ranges ${i - 1} and ${i} overlap`)
    assert.strictEqual(chips.validRanges[0][0], -1)
    assert.strictEqual(chips.validRanges.at(-1)?.[1], -1)
  })
  it("test at 2x, 1x and 0.5x of the mean long side (208 px), one valid range a scale", () => {
    const mean = (multiScaleData.longSide[0] + multiScaleData.longSide[1]) / 2
    assert.deepStrictEqual(
      sniperConfig.test.scales.map((s) => s.long / mean),
      [2, 1, 0.5],
    )
    assert.strictEqual(sniperConfig.test.validRanges.length, 3)
  })
  it.effect("is a configuration the trainer accepts unchanged", () =>
    Effect.gen(function* () {
      const decoded = yield* decodeTrainConfig(sniperConfig)
      assert.strictEqual(decoded.chips.chipSize, 128)
      assert.strictEqual(decoded.epochs, 1)
      assert.strictEqual(decoded.chipsPerBatch, 4)
    }),
  )
})

describe("sniperVsPyramid", () => {
  it("matches the image pixels of 4 pyramid epochs across its four arms", () => {
    assert.deepStrictEqual(
      sniperVsPyramid.arms.map((a) => a.name),
      ["single-scale", "pyramid", "sniper", "sniper-negatives"],
    )
    assert.deepStrictEqual(sniperVsPyramid.budget, { unit: "imagePixels", like: "pyramid", epochs: 4 })
    assert.deepStrictEqual(
      sniperVsPyramid.arms.map((a) => a.config.chips.sampling),
      ["whole-image", "whole-image", sniperConfig.chips.sampling, sniperConfig.chips.sampling],
    )
    assert.notStrictEqual(sniperConfig.chips.sampling, "whole-image")
    assert.deepStrictEqual(armOf(sniperVsPyramid, "sniper-negatives").negatives, { rpnEpochs: 2 })
    assert.deepStrictEqual(armOf(sniperVsPyramid, "single-scale").chips.scales, [{ factor: 1 }])
    assert.strictEqual(sniperVsPyramid.data, multiScaleData)
  })
  it.effect("sizes the whole-image arms' chips to the largest scaled image, a multiple of the stride", () =>
    Effect.gen(function* () {
      // 200 px wide image: 208 at 1x (next multiple of 16), 400 at 2x.
      assert.strictEqual((yield* prepared(sniperVsPyramid, "single-scale")).chips.chipSize, 208)
      assert.strictEqual((yield* prepared(sniperVsPyramid, "pyramid")).chips.chipSize, 400)
      assert.strictEqual((yield* prepared(sniperVsPyramid, "sniper")).chips.chipSize, 128)
      const negatives = yield* prepared(sniperVsPyramid, "sniper-negatives")
      assert.strictEqual(negatives.negatives?.rpnEpochs, 2)
      assert.strictEqual(negatives.name, "sniper-vs-pyramid/sniper-negatives")
    }),
  )
})

describe("validRanges", () => {
  it("compares SNIPER's chips with and without ignoring out-of-range boxes, for the same chips", () => {
    assert.deepStrictEqual(
      validRanges.arms.map((a) => a.name),
      ["sniper", "no-ignore"],
    )
    assert.strictEqual(armOf(validRanges, "sniper"), sniperConfig)
    const noIgnore = armOf(validRanges, "no-ignore")
    assert.strictEqual(noIgnore.chips.outOfRange, "valid")
    assert.notStrictEqual(sniperConfig.chips.outOfRange, "valid")
    const { outOfRange: _, ...sameChips } = noIgnore.chips
    assert.deepStrictEqual(sameChips, sniperConfig.chips)
    assert.deepStrictEqual(validRanges.budget, { unit: "chips", like: "sniper", epochs: 7 })
  })
})

describe("chipBudget", () => {
  it("has 96, 128 and 192 px chips at three scales and 128 px chips at two, for the chips of chips-128", () => {
    assert.deepStrictEqual(
      chipBudget.arms.map((a) => [a.name, a.config.chips.chipSize, a.config.chips.scales.length]),
      [
        ["chips-96", 96, 3],
        ["chips-128", 128, 3],
        ["chips-192", 192, 3],
        ["chips-128-no-2x", 128, 2],
      ],
    )
    assert.deepStrictEqual(chipBudget.budget, { unit: "chips", like: "chips-128", epochs: 7 })
    assert.strictEqual(armOf(chipBudget, "chips-128"), sniperConfig)
  })
  it("fits the image to the chip at the coarsest scale of every resized arm", () => {
    for (const name of ["chips-96", "chips-192", "chips-128-no-2x"]) {
      const { chips } = armOf(chipBudget, name)
      assert.deepStrictEqual(chips.scales.at(-1), { short: -1, long: chips.chipSize }, name)
      assert.strictEqual(chips.validRanges.length, chips.scales.length, name)
    }
    // 96 px is not a multiple of 32: that arm's stride is 16.
    assert.strictEqual(armOf(chipBudget, "chips-96").chips.stride, 16)
    assert.strictEqual(armOf(chipBudget, "chips-192").chips.stride, 32)
  })
  it.effect("has arms the trainer accepts, named after the experiment", () =>
    Effect.gen(function* () {
      for (const arm of chipBudget.arms) {
        const config = yield* prepared(chipBudget, arm.name)
        assert.strictEqual(config.name, `chip-budget/${arm.name}`)
        assert.strictEqual(config.chips.chipSize, arm.config.chips.chipSize)
      }
    }),
  )
})
