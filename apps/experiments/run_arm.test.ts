import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import { armConfig } from "./arm_config.ts"
import type { ArmRecord } from "./arm_record.ts"
import { sniperConfig } from "./base_config.ts"
import type { Experiment } from "./experiment.ts"
import { nowhereData, temporary, twoImageDataset, wholeImageConfig } from "./experiment_fixtures.ts"
import { armDone, armSchedule, budgetTarget, epochPixels, readRecord } from "./run_arm.ts"

const record: ArmRecord = {
  experiment: "toy",
  arm: "whole",
  seed: 2,
  budget: { unit: "chips", target: 6 },
  epochs: 3,
  steps: 2,
  chipSize: 208,
  training: { chips: 6, inputPixels: 6 * 208 * 208, imagePixels: 75000 },
  perEpoch: [{ chips: 2, inputPixels: 2 * 208 * 208, imagePixels: 25000 }],
  wallSeconds: 12.5,
}

describe("armDone()", () => {
  it("needs both the trainer's metrics.json and the runner's record", () => {
    const dir = temporary("arm-done-")
    assert.isFalse(armDone(dir))
    writeFileSync(join(dir, "metrics.json"), "{}")
    assert.isFalse(armDone(dir))
    writeFileSync(join(dir, "training.json"), "{}")
    assert.isTrue(armDone(dir))
    const recordOnly = join(dir, "other")
    mkdirSync(recordOnly)
    writeFileSync(join(recordOnly, "training.json"), "{}")
    assert.isFalse(armDone(recordOnly))
    assert.isFalse(armDone(join(dir, "missing")))
  })
})

describe("readRecord()", () => {
  it.effect("reads back a written record", () =>
    Effect.gen(function* () {
      const dir = temporary("arm-record-")
      writeFileSync(join(dir, "training.json"), JSON.stringify(record))
      assert.deepStrictEqual(yield* readRecord(dir), record)
    }),
  )
  it.effect("fails with ResultsFileError naming the file for a record of the wrong shape", () =>
    Effect.gen(function* () {
      const dir = temporary("arm-record-")
      writeFileSync(join(dir, "training.json"), JSON.stringify({ ...record, seed: 1.5 }))
      const error = yield* Effect.flip(readRecord(dir))
      assert.strictEqual(error._tag, "ResultsFileError")
      assert.strictEqual(error.path, join(dir, "training.json"))
      assert.notInclude(error.problem, "\n")
    }),
  )
  it.effect("fails with ResultsFileError when there is no record", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(readRecord(temporary("arm-record-")))
      assert.strictEqual(error._tag, "ResultsFileError")
      assert.include(error.message, "training.json")
    }),
  )
})

const toy = (budget: Experiment["budget"]): Experiment => ({
  name: "toy",
  question: "?",
  data: nowhereData.recipe,
  arms: [
    { name: "whole", label: "whole images", config: wholeImageConfig },
    { name: "negatives", label: "with negatives", config: { ...sniperConfig, negatives: { rpnEpochs: 1 } } },
  ],
  budget,
  decayAt: 0.8,
  seeds: 1,
})
const data = { data: nowhereData, trainSet: twoImageDataset() }
const wholeConfig = (experiment: Experiment) => armConfig(experiment, experiment.arms[0], { seed: 1, ...data })

describe("epochPixels() and armSchedule()", () => {
  it.effect("count one chip an image: 2 chips of 208² px covering 200x100 + 100x50 image px", () =>
    Effect.gen(function* () {
      const config = yield* wholeConfig(toy({ unit: "chips", like: "whole", epochs: 1 }))
      assert.strictEqual(config.chips.chipSize, 208)
      for (const epoch of [0, 1]) {
        const totals = epochPixels(data.trainSet, config, { epoch })
        assert.deepStrictEqual(totals, { chips: 2, inputPixels: 2 * 208 * 208, imagePixels: 20000 + 5000 })
      }
    }),
  )
  it.effect("give the epochs closest to the target, the fewer on a tie", () =>
    Effect.gen(function* () {
      const config = yield* wholeConfig(toy({ unit: "chips", like: "whole", epochs: 1 }))
      const epochs = (unit: "chips" | "imagePixels", target: number) =>
        armSchedule(data.trainSet, config, { unit, target }).epochs
      // 2 chips an epoch: 5 is as close to 4 as to 6, so 2 epochs; 6 is 3 epochs exactly; 7 ties to 3.
      assert.strictEqual(epochs("chips", 5), 2)
      assert.strictEqual(epochs("chips", 6), 3)
      assert.strictEqual(epochs("chips", 7), 3)
      assert.strictEqual(epochs("chips", 1), 1)
      // 25000 image px an epoch: 60000 is closer to 50000 than to 75000.
      assert.strictEqual(epochs("imagePixels", 60000), 2)
      assert.strictEqual(epochs("imagePixels", 65000), 3)
      const schedule = armSchedule(data.trainSet, config, { unit: "chips", target: 6 })
      assert.strictEqual(schedule.perEpoch.length, 3)
      assert.deepStrictEqual(schedule.perEpoch[2], { chips: 2, inputPixels: 86528, imagePixels: 25000 })
    }),
  )
})

describe("budgetTarget()", () => {
  it.effect("sums the unit over the budget's epochs of arm `like`", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* budgetTarget(toy({ unit: "chips", like: "whole", epochs: 3 }), 1, data), 6)
      assert.strictEqual(yield* budgetTarget(toy({ unit: "imagePixels", like: "whole", epochs: 3 }), 1, data), 75000)
      assert.strictEqual(
        yield* budgetTarget(toy({ unit: "inputPixels", like: "whole", epochs: 2 }), 1, data),
        2 * 2 * 208 * 208,
      )
    }),
  )
  it.effect("refuses a budget arm that is missing or has negative chips", () =>
    Effect.gen(function* () {
      for (const like of ["nothing", "negatives"]) {
        const exit = yield* Effect.exit(budgetTarget(toy({ unit: "chips", like, epochs: 1 }), 1, data))
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) {
          const error = Cause.squash(exit.cause)
          assert.instanceOf(error, RangeError)
          assert.strictEqual(
            (error as RangeError).message,
            `Cannot size toy: budget.like must name an arm without negative chips, current value is "${like}"`,
          )
        }
      }
    }),
  )
})
