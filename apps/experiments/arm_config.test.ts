import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { armConfig, withEpochs } from "./arm_config.ts"
import { sniperConfig } from "./base_config.ts"
import type { Experiment } from "./experiment.ts"
import { nowhereData, twoImageDataset } from "./experiment_fixtures.ts"

const pyramid = { ...sniperConfig, chips: { ...sniperConfig.chips, sampling: "whole-image" as const } }
const experiment: Experiment = {
  name: "toy",
  question: "?",
  data: nowhereData.recipe,
  arms: [
    { name: "sniper", label: "SNIPER", config: sniperConfig },
    { name: "pyramid", label: "pyramid", config: pyramid },
  ],
  budget: { unit: "chips", like: "sniper", epochs: 1 },
  decayAt: 0.8,
  seeds: 1,
}

describe("armConfig()", () => {
  it.effect("names the run, sets the seed and the data set's files, and keeps SNIPER's chips", () =>
    Effect.gen(function* () {
      const config = yield* armConfig(experiment, experiment.arms[0], {
        seed: 3,
        data: nowhereData,
        trainSet: twoImageDataset(),
      })
      assert.strictEqual(config.name, "toy/sniper")
      assert.strictEqual(config.seed, 3)
      assert.deepStrictEqual(config.data.train, nowhereData.train)
      assert.deepStrictEqual(config.data.val, nowhereData.val)
      assert.deepStrictEqual(config.chips, sniperConfig.chips)
    }),
  )
  it.effect("sizes whole-image chips to hold the largest scaled training image", () =>
    Effect.gen(function* () {
      // The 200 x 100 image at 2x is 400 px wide: 400 is a multiple of the stride 16.
      const config = yield* armConfig(experiment, experiment.arms[1], {
        seed: 1,
        data: nowhereData,
        trainSet: twoImageDataset(),
      })
      assert.strictEqual(config.chips.chipSize, 400)
      assert.strictEqual(config.chips.sampling, "whole-image")
    }),
  )
  it.effect("fails with the trainer's InvalidTrainConfig for a configuration the trainer refuses", () =>
    Effect.gen(function* () {
      const odd = {
        name: "odd",
        label: "odd",
        config: { ...sniperConfig, chips: { ...sniperConfig.chips, chipSize: 120 } },
      }
      const error = yield* Effect.flip(
        armConfig(experiment, odd, { seed: 1, data: nowhereData, trainSet: twoImageDataset() }),
      )
      assert.strictEqual(error._tag, "InvalidTrainConfig")
      assert.include(error.message, "chips.chipSize")
    }),
  )
})

describe("withEpochs()", () => {
  it("sets the epochs and drops the learning rate after decayAt of them, rounded", () => {
    const config = withEpochs(sniperConfig, { epochs: 7, decayAt: 0.8 })
    assert.strictEqual(config.epochs, 7)
    assert.deepStrictEqual(config.optimizer.decayEpochs, [5.6])
    assert.strictEqual(config.optimizer.learningRate, sniperConfig.optimizer.learningRate)
  })
})
