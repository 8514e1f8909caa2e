import { existsSync } from "node:fs"
import { join } from "node:path"
import { type ChipConfig, type Proposals, proposalsFromDetections } from "@sniper/chip-sampler"
import { type BadImageLog, type Dataset, readDetections } from "@sniper/coco-io"
import { loadDetector, saveDetector } from "@sniper/detector-model"
import { computeProposals } from "@sniper/rpn-proposals"
import { Effect } from "effect"
import { scopedDetector, scopedOptimizer } from "./_resources.ts"
import type { TrainConfig } from "./config.ts"
import type { RunData } from "./data.ts"
import { planEpoch } from "./epoch_plan.ts"
import { InvalidTrainConfig } from "./errors.ts"
import type { RunProgress } from "./progress.ts"
import { removeRunFile } from "./run_dir.ts"
import { loggedSteps } from "./run_log.ts"
import { type Stage, trainStage } from "./train_stage.ts"
import { workersFor } from "./worker_count.ts"

/** The run folder's proposals of the training images (a COCO results file), written once, then reused. */
export function proposalsPath(runDir: string): string {
  return join(runDir, "proposals_train.json")
}

/** The run folder's short-schedule RPN weights (kept so the proposals can be recomputed, e.g. `sniper proposals`). */
export function rpnWeightsPath(runDir: string): string {
  return join(runDir, "rpn.safetensors")
}

/** The RPN stage's checkpoint while it trains (removed once its weights are in `rpn.safetensors`). */
export function rpnCheckpointPath(runDir: string): string {
  return join(runDir, "rpn_checkpoint.safetensors")
}

/** The RPN stage's step log (the detector's is `log.jsonl`). */
export function rpnLogPath(runDir: string): string {
  return join(runDir, "rpn_log.jsonl")
}

type NegativesConfig = TrainConfig & { readonly negatives: NonNullable<TrainConfig["negatives"]> }

/**
 * The short-schedule RPN stage: RPN-only steps on positive chips for `negatives.rpnEpochs` epochs, with the run's
 * seed, chips, optimizer and schedule (its epoch the RPN plan's), its own step key, checkpoint and log.
 */
export function rpnStage(
  config: NegativesConfig,
  options: { readonly runDir: string; readonly trainSet: Dataset; readonly chips: ChipConfig },
): Stage {
  const { runDir, trainSet, chips } = options
  return {
    name: "rpn",
    label: "rpn",
    key: 0x4e9,
    rpnOnly: true,
    checkpoint: rpnCheckpointPath(runDir),
    log: rpnLogPath(runDir),
    epochs: config.negatives.rpnEpochs,
    plan: (epoch) => planEpoch(trainSet, chips, { seed: config.seed, epoch, flip: config.flip }),
    describe: (plan) => `${plan.chipCount} positive chips, RPN-only`,
    // RPN-only steps give the RoI head ("roi.*") no gradient, so the optimizer holds slots of the rest alone.
    updated: (detector) => detector.params.trainable.filter((name) => !name.startsWith("roi.")),
  }
}

interface NegativeOptions {
  readonly runDir: string
  readonly trainSet: Dataset
  readonly chips: ChipConfig
  readonly data: RunData
  readonly badImages: BadImageLog
  readonly progress: RunProgress
  /** The run's step limit, over the RPN stage and the detector's. */
  readonly maxSteps: number
  /** The detector stage's estimated steps, for the run's total. */
  readonly after: number
}

/** The proposals of negative chips and the RPN stage's steps; no proposals when the step limit stopped it. */
export interface NegativeProposals {
  readonly proposals: Proposals | undefined
  readonly rpnSteps: number
}

/**
 * The proposals for negative chips (docs/sniper.md section 3): the user's file when `negatives.proposals` names
 * one, else the run folder's `proposals_train.json`; when that is missing, the RPN stage trains (or resumes) to
 * its end, its weights are saved to `rpn.safetensors`, and its proposals of every training image at the test
 * scales are written (atomically) to that file.
 */
export const negativeProposals = Effect.fn("negativeProposals")(function* (
  config: NegativesConfig,
  options: NegativeOptions,
) {
  const { runDir, trainSet } = options
  const given = config.negatives.proposals
  const path = given ?? proposalsPath(runDir)
  if (given !== undefined && !existsSync(given)) {
    return yield* new InvalidTrainConfig({
      field: "negatives.proposals",
      problem: `names "${given}", which does not exist`,
    })
  }
  let rpnSteps = 0
  if (existsSync(path)) {
    yield* Effect.logInfo(`negative chips: reusing the proposals in ${path}`)
    // the RPN stage that made the run folder's proposals (none made the user's)
    if (given === undefined) rpnSteps = yield* loggedSteps(rpnLogPath(runDir))
  } else {
    const stage = yield* computeRunProposals(config, { ...options, path })
    rpnSteps = stage.steps
    if (stage.stopped) return { proposals: undefined, rpnSteps } satisfies NegativeProposals
  }
  const detections = yield* readDetections(path, trainSet)
  const proposals: Proposals = proposalsFromDetections(trainSet, detections, path)
  yield* Effect.logInfo(
    `negative chips: ${detections.count} proposals over ${trainSet.images.count} training images (${(detections.count / Math.max(1, trainSet.images.count)).toFixed(1)} per image)`,
  )
  return { proposals, rpnSteps } satisfies NegativeProposals
})

const computeRunProposals = Effect.fn("computeRunProposals")(function* (
  config: NegativesConfig,
  options: NegativeOptions & { readonly path: string },
) {
  const { runDir, trainSet, path } = options
  const detector = yield* scopedDetector(config)
  const weights = rpnWeightsPath(runDir)
  let steps: number
  if (existsSync(weights)) {
    yield* Effect.logInfo(`negative chips: loading the short-schedule RPN from ${weights}`)
    yield* loadDetector(weights, detector)
    steps = yield* loggedSteps(rpnLogPath(runDir))
  } else {
    const stage = rpnStage(config, options)
    const trained = yield* trainStage(stage, {
      config,
      trainSet,
      imageRoot: options.data.train.images,
      badImages: options.badImages,
      detector,
      optimizer: yield* scopedOptimizer(config.optimizer),
      progress: options.progress,
      before: 0,
      after: options.after,
      maxSteps: options.maxSteps,
    })
    if (trained.stopped) return trained
    steps = trained.steps
    yield* Effect.logInfo(`rpn: trained ${steps} steps over ${stage.epochs} epochs`)
    yield* saveDetector(weights, detector, { metadata: { format: "sniper-rpn/1" } })
  }
  // The stage's weights are in rpn.safetensors now: its checkpoint (weights and optimizer state) is not needed.
  yield* removeRunFile(rpnCheckpointPath(runDir))
  yield* Effect.logInfo(
    `negative chips: proposals of ${trainSet.images.count} training images at ${config.test.scales.length} scales`,
  )
  const counts = yield* computeProposals(detector, trainSet, {
    path,
    imageRoot: options.data.train.images,
    scales: config.test.scales,
    badImages: options.badImages,
    workers: workersFor(config),
    onImage: (p) =>
      p.done % 10 === 0 || p.done === p.total ? Effect.logInfo(`proposals: ${p.done}/${p.total} images`) : Effect.void,
  })
  yield* Effect.logInfo(
    `negative chips: wrote ${counts.proposals} proposals of ${counts.images} images to ${path} in ${counts.seconds.toFixed(1)}s`,
  )
  return { steps, stopped: false }
}, Effect.scoped)
