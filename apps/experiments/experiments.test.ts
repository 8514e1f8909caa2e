import { assert, describe, it } from "@effect/vitest"
import { configDifferences, decodeTrainConfig } from "@sniper/trainer"
import { Effect } from "effect"
import { armConfig } from "./arm_config.ts"
import { sniperConfig } from "./base_config.ts"
import { nowhereData, twoImageDataset } from "./experiment_fixtures.ts"
import { experimentNames, experiments } from "./experiments.ts"
import { quickExperiment } from "./quick.ts"

/** The fields where an arm's configuration differs from SNIPER's. */
const changed = (config: unknown) => configDifferences(sniperConfig, config).map((d) => d.field)

describe("experiments", () => {
  it("are listed by their names, each with unique arm names and a budget arm without negative chips", () => {
    assert.deepStrictEqual(
      experiments.map((e) => e.name),
      [...experimentNames],
    )
    for (const e of experiments) {
      const names = e.arms.map((a) => a.name)
      assert.strictEqual(new Set(names).size, names.length, e.name)
      const like = e.arms.find((a) => a.name === e.budget.like)
      assert.isDefined(like, e.name)
      assert.isUndefined(like?.config.negatives, e.name)
      assert.strictEqual(e.seeds, 3)
    }
  })
  it("are asked on a data set with at least 150 val images", () => {
    for (const e of experiments) {
      const { images, valFraction } = e.data
      assert.isAtLeast(Math.min(images - 1, Math.round(images * valFraction)), 150, e.name)
    }
  })
  it.effect("have arms the trainer accepts", () =>
    Effect.gen(function* () {
      for (const e of [...experiments, ...experiments.map(quickExperiment)]) {
        for (const arm of e.arms) {
          yield* decodeTrainConfig(arm.config)
          yield* armConfig(e, arm, { seed: 1, data: nowhereData, trainSet: twoImageDataset() })
        }
      }
    }),
  )
  it("vary only what each arm is about", () => {
    const arms = new Map(experiments.flatMap((e) => e.arms.map((a) => [`${e.name}/${a.name}`, a.config] as const)))
    assert.deepStrictEqual(changed(arms.get("sniper-vs-pyramid/sniper")), [])
    assert.deepStrictEqual(changed(arms.get("sniper-vs-pyramid/pyramid")), ["chips.sampling"])
    assert.deepStrictEqual(changed(arms.get("sniper-vs-pyramid/single-scale")), [
      "chips.scales",
      "chips.validRanges",
      "chips.sampling",
    ])
    assert.deepStrictEqual(changed(arms.get("sniper-vs-pyramid/sniper-negatives")), ["negatives"])
    assert.deepStrictEqual(changed(arms.get("valid-ranges/no-ignore")), ["chips.outOfRange"])
    for (const name of ["chips-96", "chips-192", "chips-128-no-2x"]) {
      for (const field of changed(arms.get(`chip-budget/${name}`)))
        assert.match(field, /^chips\.(chipSize|scales|stride|validRanges)/)
    }
  })
  it("shrink for --quick: 6 train and 4 val images of 128..192 px, a tiny detector, one seed, one budget epoch", () => {
    for (const e of experiments.map(quickExperiment)) {
      assert.strictEqual(e.name.endsWith("-quick"), true)
      assert.deepStrictEqual(e.data, { images: 10, seed: 11, valFraction: 0.4, longSide: [128, 192] })
      assert.deepStrictEqual([e.seeds, e.budget.epochs], [1, 1])
      for (const arm of e.arms) assert.strictEqual(arm.config.detector.backbone.width, 1 / 16)
    }
  })
})
