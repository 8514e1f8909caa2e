import { existsSync } from "node:fs"
import { join } from "node:path"
import { type ChipConfig, type Proposals, proposalsFromDetections } from "@sniper/chip-sampler"
import { type BadImageLog, type Dataset, readDetections } from "@sniper/coco-io"
import { type Detector, loadDetector, saveDetector } from "@sniper/detector-model"
import { computeProposals } from "@sniper/rpn-proposals"
import { Effect, Stream } from "effect"
import { scopedDetector, scopedOptimizer } from "./_resources.ts"
import { chipBatches } from "./chip_batches.ts"
import type { TrainConfig } from "./config.ts"
import type { RunData } from "./data.ts"
import { planEpoch } from "./epoch_plan.ts"
import { InvalidTrainConfig } from "./errors.ts"
import { initBackbone } from "./init_weights.ts"
import { batchStep } from "./optimizer.ts"
import { formatDuration } from "./progress.ts"

/** The run folder's proposals of the training images (a COCO results file), written once, then reused. */
export function proposalsPath(runDir: string): string {
  return join(runDir, "proposals_train.json")
}

/** The run folder's short-schedule RPN weights (kept so the proposals can be recomputed, e.g. `sniper proposals`). */
export function rpnWeightsPath(runDir: string): string {
  return join(runDir, "rpn.safetensors")
}

/** Key that separates the RPN stage's per-step sampling from every other use of the seed. */
const rpnStepKey = 0x4e9

interface NegativeOptions {
  readonly runDir: string
  readonly trainSet: Dataset
  readonly chips: ChipConfig
  readonly data: RunData
  readonly badImages: BadImageLog
}

/**
 * The proposals for negative chips (SNIPER.md section 3): the user's file when `negatives.proposals` names one,
 * else the run folder's `proposals_train.json`; when that is missing, a detector is trained RPN-only for
 * `negatives.rpnEpochs` epochs on positive chips (same seed, chips and schedule as the run), its weights saved,
 * and its proposals of every training image at the test scales written (atomically) to that file.
 */
export const negativeProposals = Effect.fn("negativeProposals")(function* (
  config: TrainConfig & { readonly negatives: NonNullable<TrainConfig["negatives"]> },
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
  if (existsSync(path)) {
    yield* Effect.logInfo(`negative chips: reusing the proposals in ${path}`)
  } else {
    yield* computeRunProposals(config, { ...options, path })
  }
  const detections = yield* readDetections(path, trainSet)
  const proposals: Proposals = proposalsFromDetections(trainSet, detections, path)
  yield* Effect.logInfo(
    `negative chips: ${detections.count} proposals over ${trainSet.images.count} training images (${(detections.count / Math.max(1, trainSet.images.count)).toFixed(1)} per image)`,
  )
  return proposals
})

const computeRunProposals = Effect.fn("computeRunProposals")(function* (
  config: TrainConfig & { readonly negatives: NonNullable<TrainConfig["negatives"]> },
  options: NegativeOptions & { readonly path: string },
) {
  const { runDir, trainSet, path } = options
  const detector = yield* scopedDetector(config)
  const weights = rpnWeightsPath(runDir)
  if (existsSync(weights)) {
    yield* Effect.logInfo(`negative chips: loading the short-schedule RPN from ${weights}`)
    yield* loadDetector(weights, detector)
  } else {
    yield* initBackbone(detector)
    yield* trainRpn(detector, config, options)
    yield* saveDetector(weights, detector, { metadata: { format: "sniper-rpn/1" } })
  }
  yield* Effect.logInfo(
    `negative chips: proposals of ${trainSet.images.count} training images at ${config.test.scales.length} scales`,
  )
  const counts = yield* computeProposals(detector, trainSet, {
    path,
    imageRoot: options.data.train.images,
    scales: config.test.scales,
    badImages: options.badImages,
    onImage: (p) =>
      p.done % 10 === 0 || p.done === p.total ? Effect.logInfo(`proposals: ${p.done}/${p.total} images`) : Effect.void,
  })
  yield* Effect.logInfo(
    `negative chips: wrote ${counts.proposals} proposals of ${counts.images} images to ${path} in ${counts.seconds.toFixed(1)}s`,
  )
}, Effect.scoped)

/** RPN-only training on positive chips, `negatives.rpnEpochs` epochs, with the run's optimizer and schedule. */
const trainRpn = Effect.fn("trainRpn")(function* (
  detector: Detector,
  config: TrainConfig & { readonly negatives: NonNullable<TrainConfig["negatives"]> },
  options: NegativeOptions,
) {
  const { trainSet, chips } = options
  const epochs = config.negatives.rpnEpochs
  const optimizer = yield* scopedOptimizer(config.optimizer)
  const started = performance.now()
  let step = 0
  let stepsPerEpoch = 1
  for (let epoch = 0; epoch < epochs; epoch++) {
    const plan = planEpoch(trainSet, chips, { seed: config.seed, epoch, flip: config.flip })
    if (epoch === 0) stepsPerEpoch = Math.max(1, Math.ceil(plan.chipCount / config.chipsPerBatch))
    yield* Effect.logInfo(`rpn epoch ${epoch + 1}/${epochs}: ${plan.chipCount} positive chips, RPN-only`)
    let window = { chips: 0, since: performance.now() }
    yield* chipBatches(trainSet, plan.entries, {
      imageRoot: options.data.train.images,
      chipSize: config.chips.chipSize,
      chipsPerBatch: config.chipsPerBatch,
      badImages: options.badImages,
      normalization: config.detector.normalization,
    }).pipe(
      Stream.runForEach((batch) =>
        Effect.gen(function* () {
          const { result, rate } = yield* batchStep(detector, optimizer, batch, {
            config,
            step,
            stepsPerEpoch,
            key: rpnStepKey,
            rpnOnly: true,
          })
          step++
          window.chips += batch.count
          if (step % config.logEvery === 0) {
            const speed = window.chips / ((performance.now() - window.since) / 1000)
            const left = ((epochs * stepsPerEpoch - step) * (performance.now() - started)) / 1000 / step
            yield* Effect.logInfo(
              `rpn epoch ${epoch + 1}/${epochs} step ${step} loss ${result.total.toFixed(3)} (rpn ${result.rpnClass.toFixed(3)}/${result.rpnBox.toFixed(3)}) lr ${rate.toExponential(1)} ${speed.toFixed(2)} chips/s, RPN stage ends in ${formatDuration(left)}`,
            )
            window = { chips: 0, since: performance.now() }
          }
        }),
      ),
    )
  }
  yield* Effect.logInfo(`rpn: trained ${step} steps over ${epochs} epochs`)
}, Effect.scoped)
