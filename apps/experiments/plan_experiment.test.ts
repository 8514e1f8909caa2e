import { existsSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { sniperConfig } from "./base_config.ts"
import type { Experiment } from "./experiment.ts"
import { temporary, wholeImageConfig } from "./experiment_fixtures.ts"
import { planExperiment } from "./plan_experiment.ts"

/** 4 images, 2 to train on: whole images at 1x draw one chip an image an epoch. */
const experiment: Experiment = {
  name: "plan-toy",
  question: "?",
  data: { images: 4, seed: 3, valFraction: 0.5, longSide: [96, 128] },
  arms: [
    { name: "whole", label: "whole images", config: wholeImageConfig },
    { name: "negatives", label: "SNIPER with negatives", config: { ...sniperConfig, negatives: { rpnEpochs: 1 } } },
  ],
  budget: { unit: "chips", like: "whole", epochs: 3 },
  decayAt: 0.8,
  seeds: 1,
}

describe("planExperiment()", () => {
  it.effect(
    "gives the budget and the epochs of arms without negative chips, and generates the data set",
    () =>
      Effect.gen(function* () {
        const out = temporary("plan-")
        const plan = yield* planExperiment(experiment, { out })
        assert.isTrue(existsSync(join(out, "plan-toy", "data", "recipe.json")))
        assert.strictEqual(plan.trainImages, 2)
        // 3 epochs of 2 chips.
        assert.strictEqual(plan.target, 6)
        assert.deepStrictEqual(
          plan.arms.map((a) => [a.arm, a.epochs]),
          [
            ["whole", 3],
            ["negatives", undefined],
          ],
        )
        const [wholePlan, negatives] = plan.arms
        const size = wholePlan.chipSize
        assert.isAtLeast(size, 96)
        assert.isAtMost(size, 128)
        assert.strictEqual(size % 16, 0)
        assert.strictEqual(wholePlan.training?.chips, 6)
        assert.strictEqual(wholePlan.training?.inputPixels, 6 * size * size)
        assert.isAtMost(wholePlan.training?.imagePixels ?? Infinity, 6 * 128 * 128)
        assert.strictEqual(negatives.chipSize, 128)
        assert.isUndefined(negatives.training)
      }).pipe(Effect.provide(Logger.layer([]))),
    60_000,
  )
})
