import { existsSync } from "node:fs"
import { join } from "node:path"
import { type Proposals, proposalsFromDetections } from "@sniper/chip-sampler"
import { type Dataset, readDetections } from "@sniper/coco-io"
import {
  type ProgressMode,
  planEpoch,
  StepRunner,
  type TrainConfig,
  type TrainOptions,
  train,
  workersFor,
} from "@sniper/trainer"
import { Effect, Schema } from "effect"
import { armConfig, withEpochs } from "./arm_config.ts"
import { ArmRecord, recordFile } from "./arm_record.ts"
import { epochsFor } from "./budget.ts"
import { ArmUnfinished, ResultsFileError } from "./errors.ts"
import type { Arm, BudgetUnit, Experiment } from "./experiment.ts"
import { epochCount, formatAmount } from "./format.ts"
import { readJson, writeJson } from "./results_files.ts"
import type { PreparedData } from "./synthetic_data.ts"
import { planPixels, sumPixels } from "./training_pixels.ts"
import { withWallClock } from "./wall_clock.ts"

/** One arm and seed to run into `runDir`, with the budget (in the experiment's unit) it must match. */
export interface ArmJob {
  readonly experiment: Experiment
  readonly arm: Arm
  readonly seed: number
  readonly runDir: string
  readonly data: PreparedData
  readonly trainSet: Dataset
  readonly target: number
  readonly progress?: ProgressMode | undefined
}

/** The trainer's name for a run folder's proposals of the training images. */
const proposalsFile = "proposals_train.json"

/** The trainer's run: the one place the experiments call it, its passes on every core (same numbers as one). */
function trainRun(options: TrainOptions) {
  return train(options).pipe(Effect.provide(StepRunner.layerFor(workersFor(options.config))))
}

/** Whether `runDir` holds a finished arm: the trainer's metrics.json and the runner's record. */
export function armDone(runDir: string): boolean {
  return existsSync(join(runDir, "metrics.json")) && existsSync(join(runDir, recordFile))
}

export const readRecord = Effect.fn("readRecord")(function* (runDir: string) {
  const path = join(runDir, recordFile)
  return yield* Schema.decodeUnknownEffect(ArmRecord)(yield* readJson(path)).pipe(
    Effect.mapError((error) => new ResultsFileError({ path, problem: error.message.replace(/\s+/g, " ") })),
  )
})

/**
 * Trains and evaluates one arm for one seed in its run folder, unless it is done already (then its record is
 * read back). The arm trains for the epochs that match the budget (`epochsFor`, counted from the trainer's own
 * epoch plans). An arm with negative chips first trains its short-schedule RPN in `rpn-stage/` (a run folder of
 * its own) for the proposals, so its epochs can be counted with its negative chips. A killed arm resumes from the
 * trainer's checkpoints when run again.
 */
export const runArm = Effect.fn("runArm")(function* (job: ArmJob) {
  const { experiment, arm, seed, runDir, data, trainSet } = job
  const what = `${experiment.name}: ${arm.name}, seed ${seed}`
  if (armDone(runDir)) {
    yield* Effect.logInfo(`${what}: done already (${runDir})`)
    return yield* readRecord(runDir)
  }
  const { value: record, seconds } = yield* withWallClock(
    join(runDir, "wall.json"),
    Effect.gen(function* () {
      let config: TrainConfig = yield* armConfig(experiment, arm, { seed, data, trainSet })
      const negatives = config.negatives
      let proposals: Proposals | undefined
      let rpnStage: ArmRecord["rpnStage"]
      if (negatives !== undefined) {
        const stageDir = join(runDir, "rpn-stage")
        const path = join(stageDir, proposalsFile)
        if (!existsSync(path)) {
          yield* Effect.logInfo(
            `${what}: the short-schedule RPN for negative chips (${epochCount(negatives.rpnEpochs)})`,
          )
          const stage: TrainConfig = {
            ...config,
            name: `${config.name} (RPN stage)`,
            epochs: 1,
            negatives: { rpnEpochs: negatives.rpnEpochs },
            optimizer: { ...config.optimizer, decayEpochs: [] },
          }
          // The step limit counts the RPN stage's steps: the run stops when its proposals are written.
          const rpnSteps = Array.from({ length: negatives.rpnEpochs }, (_, epoch) =>
            Math.ceil(epochPixels(trainSet, config, { epoch }).chips / config.chipsPerBatch),
          ).reduce((a, b) => a + b, 0)
          yield* trainRun({ config: stage, runDir: stageDir, dataDir: data.dir, maxSteps: rpnSteps, evaluate: false })
        }
        proposals = proposalsFromDetections(trainSet, yield* readDetections(path, trainSet), path)
        config = { ...config, negatives: { ...negatives, proposals: path } }
        rpnStage = {
          epochs: negatives.rpnEpochs,
          ...firstEpochsPixels(trainSet, config, { epochs: negatives.rpnEpochs }),
        }
      }
      const { unit } = experiment.budget
      const { epochs, perEpoch } = armSchedule(trainSet, config, { unit, target: job.target, proposals })
      const training = sumPixels(perEpoch)
      yield* Effect.logInfo(
        `${what}: ${epochCount(epochs)}, ${training.chips} chips of ${config.chips.chipSize} px, ${(training.inputPixels / 1e6).toFixed(1)} M input px (budget ${unit} ${formatAmount(job.target)}, this arm ${formatAmount(training[unit])})`,
      )
      const result = yield* trainRun({
        config: withEpochs(config, { epochs, decayAt: experiment.decayAt }),
        runDir,
        dataDir: data.dir,
        progress: job.progress,
      })
      if (!result.finished || result.stats === undefined) {
        return yield* new ArmUnfinished({ runDir, problem: "the trainer stopped before its evaluation" })
      }
      return {
        experiment: experiment.name,
        arm: arm.name,
        seed,
        budget: { unit, target: job.target },
        epochs,
        steps: result.steps,
        chipSize: config.chips.chipSize,
        training,
        perEpoch,
        rpnStage,
        wallSeconds: 0,
      } satisfies ArmRecord
    }),
  )
  const finished: ArmRecord = { ...record, wallSeconds: seconds }
  yield* writeJson(join(runDir, recordFile), finished)
  yield* Effect.logInfo(`${what}: finished in ${(seconds / 60).toFixed(1)} min`)
  return finished
})

/** The budget of a seed: the experiment's unit summed over `budget.epochs` epochs of arm `budget.like`. */
export const budgetTarget = Effect.fn("budgetTarget")(function* (
  experiment: Experiment,
  seed: number,
  data: { readonly data: PreparedData; readonly trainSet: Dataset },
) {
  const { like, epochs, unit } = experiment.budget
  const arm = experiment.arms.find((a) => a.name === like)
  if (arm === undefined || arm.config.negatives !== undefined) {
    throw new RangeError(
      `Cannot size ${experiment.name}: budget.like must name an arm without negative chips, current value is "${like}"`,
    )
  }
  const config = yield* armConfig(experiment, arm, { seed, ...data })
  return firstEpochsPixels(data.trainSet, config, { epochs })[unit]
})

/** What `config` trains on in epoch `epoch` (with the negative chips of `proposals`), from the trainer's plan. */
export function epochPixels(
  trainSet: Dataset,
  config: TrainConfig,
  options: { readonly epoch: number; readonly proposals?: Proposals | undefined },
) {
  const { seed, flip, chips } = config
  return planPixels(planEpoch(trainSet, chips, { seed, flip, ...options }), chips.chipSize)
}

/** What `config` trains on in its first `epochs` epochs, positive chips only. */
function firstEpochsPixels(trainSet: Dataset, config: TrainConfig, options: { readonly epochs: number }) {
  return sumPixels(Array.from({ length: options.epochs }, (_, epoch) => epochPixels(trainSet, config, { epoch })))
}

/**
 * The epochs `config` trains for to match `target` (in `unit`), and what each of them trains on, from the
 * trainer's epoch plans (with the negative chips of `proposals`).
 */
export function armSchedule(
  trainSet: Dataset,
  config: TrainConfig,
  options: { readonly unit: BudgetUnit; readonly target: number; readonly proposals?: Proposals | undefined },
) {
  return epochsFor((epoch) => epochPixels(trainSet, config, { epoch, proposals: options.proposals }), options)
}
