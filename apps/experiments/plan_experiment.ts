import { join, resolve } from "node:path"
import { loadDataset } from "@sniper/coco-io"
import { Effect } from "effect"
import { armConfig } from "./arm_config.ts"
import type { Experiment } from "./experiment.ts"
import { armSchedule, budgetTarget } from "./run_arm.ts"
import { prepareData } from "./synthetic_data.ts"
import { type PixelTotals, sumPixels } from "./training_pixels.ts"

/** An arm's schedule for one seed, before training: undefined totals for arms whose epochs wait on their RPN stage. */
export interface ArmPlan {
  readonly arm: string
  readonly chipSize: number
  readonly epochs: number | undefined
  readonly training: PixelTotals | undefined
}

/**
 * What `runExperiment` would train, for seed 1, without training: the budget and each arm's epochs, chips and
 * pixels (the data set is generated if missing). Arms with negative chips are sized after their RPN stage.
 */
export const planExperiment = Effect.fn("planExperiment")(function* (
  experiment: Experiment,
  options: { readonly out: string },
) {
  const root = join(resolve(options.out), experiment.name)
  const data = yield* prepareData(join(root, "data"), experiment.data)
  const trainSet = yield* loadDataset(data.train.annotations)
  const seed = 1
  const target = yield* budgetTarget(experiment, seed, { data, trainSet })
  const arms: Array<ArmPlan> = []
  for (const arm of experiment.arms) {
    const config = yield* armConfig(experiment, arm, { seed, data, trainSet })
    if (config.negatives !== undefined) {
      arms.push({ arm: arm.name, chipSize: config.chips.chipSize, epochs: undefined, training: undefined })
      continue
    }
    const { epochs, perEpoch } = armSchedule(trainSet, config, { unit: experiment.budget.unit, target })
    arms.push({ arm: arm.name, chipSize: config.chips.chipSize, epochs, training: sumPixels(perEpoch) })
  }
  return { target, trainImages: trainSet.images.count, arms }
})
