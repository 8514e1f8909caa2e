import { join } from "node:path"
import {
  type BadImageLog,
  type Dataset,
  formatBadImages,
  loadDataset,
  makeBadImageLog,
  writeDetections,
} from "@sniper/coco-io"
import { createDetector, type Detector, disposeDetector } from "@sniper/detector-model"
import { formatStats } from "@sniper/evaluator"
import { describeRuntime, TensorRuntime } from "@sniper/tensor-runtime"
import { Console, Effect, Stream } from "effect"
import { loadCheckpoint, type Progress, saveCheckpoint } from "./checkpoint.ts"
import { chipBatches } from "./chip_batches.ts"
import type { TrainConfig } from "./config.ts"
import { resolveData } from "./data.ts"
import { type EpochPlan, planEpoch, remainingEntries } from "./epoch_plan.ts"
import { InvalidTrainConfig } from "./errors.ts"
import { evaluateDetector } from "./evaluate.ts"
import { negativeProposals } from "./negatives.ts"
import { batchStep, makeOptimizer } from "./optimizer.ts"
import { appendLog, prepareRunDir, writeFileAtomic } from "./run_dir.ts"

/** Where a run lives and how far it may go this time. */
export interface TrainOptions {
  readonly config: TrainConfig
  /** The run folder: config.json, checkpoint.safetensors, log.jsonl, detections and metrics. */
  readonly runDir: string
  /** Where the synthetic data set is generated when the config names no data files. */
  readonly dataDir: string
  /** Stop after this many optimizer steps in all (a later run with the same folder resumes). Counts the
   * detector's steps: the short-schedule RPN of `negatives` always trains to its end first. */
  readonly maxSteps?: number | undefined
  /** Evaluate on the val split after the last epoch (default true). */
  readonly evaluate?: boolean | undefined
  /** Where progress lines go (default standard error). */
  readonly log?: ((line: string) => Effect.Effect<void>) | undefined
}

/** What a run did; `stats` are pycocotools' 12 numbers when it evaluated. */
export interface TrainResult {
  readonly runDir: string
  readonly steps: number
  readonly finished: boolean
  readonly lastLoss: number | undefined
  readonly stats: ReadonlyArray<number> | undefined
  readonly skippedImages: number
  readonly seconds: number
}

/** Key that separates the per-step sampling stream from every other use of the seed. */
const stepKey = 0x57e9

/** Negative chips in an epoch's plan. */
function negativeChips(plan: EpochPlan): number {
  return plan.entries.reduce((n, e) => n + e.chips.filter((c) => c.negative).length, 0)
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?"
  const m = Math.floor(s / 60)
  return m > 0 ? `${m}m${String(Math.round(s - 60 * m)).padStart(2, "0")}s` : `${s.toFixed(0)}s`
}

/**
 * Trains a SNIPER detector: per epoch the chip sampler's chips (re-drawn every epoch), cut from images decoded
 * once, in batches through the detector; a checkpoint every `checkpointEvery` steps and at each epoch's end, from
 * which a rerun with the same folder resumes; then multi-scale inference and COCO evaluation on the val split.
 * With `negatives`, every epoch also has negative chips around the proposals of a short-schedule RPN, trained and
 * run once per run folder before the detector (see `negativeProposals`).
 */
export const train = Effect.fn("train")(function* (options: TrainOptions) {
  const started = performance.now()
  const { config, runDir } = options
  const log = options.log ?? ((line: string) => Console.error(line))
  const runtime = yield* TensorRuntime
  yield* log(`backend: ${describeRuntime(runtime)}`)
  const data = yield* resolveData(config, options.dataDir, log)
  const trainSet = yield* loadDataset(data.train.annotations)
  if (trainSet.categories.count !== config.detector.numClasses) {
    return yield* new InvalidTrainConfig({
      field: "detector.numClasses",
      problem: `must equal the ${trainSet.categories.count} categories of "${data.train.annotations}", got ${config.detector.numClasses}`,
    })
  }
  // Decoded whole with the training config (its ChipConfig schema checked every field and rule).
  const { chips } = config
  yield* prepareRunDir(runDir, config)

  return yield* Effect.acquireUseRelease(
    Effect.sync(() => ({
      detector: createDetector(config.detector, { seed: config.seed }),
      optimizer: makeOptimizer(config.optimizer),
    })),
    ({ detector, optimizer }) =>
      Effect.gen(function* () {
        const badImages = yield* makeBadImageLog
        const negatives = config.negatives
        const proposals =
          negatives === undefined
            ? undefined
            : yield* negativeProposals({ ...config, negatives }, { runDir, trainSet, chips, data, badImages, log })
        const resumed = yield* loadCheckpoint(runDir, detector, optimizer)
        if (resumed !== undefined)
          yield* log(`resuming at step ${resumed.step} (epoch ${resumed.epoch + 1}, ${resumed.chipsDone} chips in)`)
        let progress: Progress = resumed ?? { step: 0, epoch: 0, chipsDone: 0 }
        const stepLimit = options.maxSteps ?? Number.POSITIVE_INFINITY
        let lastLoss: number | undefined
        let stopped = false
        const planOf = (epoch: number) =>
          planEpoch(trainSet, chips, { seed: config.seed, epoch, flip: config.flip, proposals })
        const firstPlan = planOf(0)
        const stepsPerEpoch = Math.max(1, Math.ceil(firstPlan.chipCount / config.chipsPerBatch))
        const save = (p: Progress) => saveCheckpoint(runDir, detector, optimizer, p)

        for (let epoch = progress.epoch; epoch < config.epochs && !stopped; epoch++) {
          const plan = epoch === 0 ? firstPlan : planOf(epoch)
          const skip = epoch === progress.epoch ? progress.chipsDone : 0
          const epochSteps = Math.ceil(plan.chipCount / config.chipsPerBatch)
          yield* log(
            `epoch ${epoch + 1}/${config.epochs}: ${plan.chipCount} chips${proposals === undefined ? "" : ` (${negativeChips(plan)} negative)`} from ${plan.entries.length} images (stride ${plan.stride}), ${epochSteps} steps`,
          )
          let chipsDone = skip
          let window = { chips: 0, since: performance.now() }
          const batches = chipBatches(trainSet, remainingEntries(plan, skip), {
            imageRoot: data.train.images,
            chipSize: config.chips.chipSize,
            chipsPerBatch: config.chipsPerBatch,
            badImages,
          })
          yield* batches.pipe(
            Stream.takeWhile(() => progress.step < stepLimit),
            Stream.runForEach((batch) =>
              Effect.gen(function* () {
                const { result, rate } = yield* batchStep(detector, optimizer, batch, {
                  config,
                  step: progress.step,
                  stepsPerEpoch,
                  key: stepKey,
                })
                lastLoss = result.total
                chipsDone += batch.count
                window.chips += batch.count
                progress = { step: progress.step + 1, epoch, chipsDone }
                const record = { step: progress.step, epoch: epoch + 1, lr: rate, ...result }
                yield* appendLog(runDir, record)
                if (progress.step % config.logEvery === 0) {
                  const seconds = (performance.now() - window.since) / 1000
                  const speed = window.chips / seconds
                  const left = (plan.chipCount - chipsDone) / speed
                  yield* log(
                    `epoch ${epoch + 1}/${config.epochs} step ${progress.step} loss ${result.total.toFixed(3)} (rpn ${result.rpnClass.toFixed(3)}/${result.rpnBox.toFixed(3)}, rcnn ${result.roiClass.toFixed(3)}/${result.roiBox.toFixed(3)}) lr ${rate.toExponential(1)} ${speed.toFixed(2)} chips/s, epoch ends in ${formatSeconds(left)}`,
                  )
                  window = { chips: 0, since: performance.now() }
                }
                if (progress.step % config.checkpointEvery === 0) yield* save(progress)
              }),
            ),
          )
          if (progress.step >= stepLimit && chipsDone < plan.chipCount) {
            stopped = true
            yield* save(progress)
            yield* log(`stopped after step ${progress.step} (maxSteps); rerun with the same run folder to resume`)
          } else {
            progress = { step: progress.step, epoch: epoch + 1, chipsDone: 0 }
            yield* save(progress)
          }
        }

        let stats: ReadonlyArray<number> | undefined
        if (!stopped && (options.evaluate ?? true) && data.val !== undefined) {
          stats = yield* evaluateOnVal(detector, data.val, config, runDir, { log, badImages })
        }
        const failures = yield* badImages.failures
        if (failures.length > 0) yield* log(formatBadImages(failures))
        const result: TrainResult = {
          runDir,
          steps: progress.step,
          finished: !stopped,
          lastLoss,
          stats,
          skippedImages: failures.length,
          seconds: (performance.now() - started) / 1000,
        }
        yield* writeFileAtomic(join(runDir, "result.json"), `${JSON.stringify(result, null, 2)}\n`)
        return result
      }),
    ({ detector, optimizer }) =>
      Effect.sync(() => {
        optimizer.dispose()
        disposeDetector(detector)
      }),
  )
})

const evaluateOnVal = Effect.fn("evaluateOnVal")(function* (
  detector: Detector,
  val: { readonly annotations: string; readonly images: string },
  config: TrainConfig,
  runDir: string,
  options: { readonly log: (line: string) => Effect.Effect<void>; readonly badImages: BadImageLog },
) {
  const { log, badImages } = options
  const valSet: Dataset = yield* loadDataset(val.annotations)
  yield* log(`evaluating on ${valSet.images.count} val images at ${config.test.scales.length} scales`)
  const out = yield* evaluateDetector(detector, valSet, {
    ...config.test,
    imageRoot: val.images,
    badImages,
    onImage: (done, total) =>
      done % 10 === 0 || done === total ? log(`evaluated ${done}/${total} images`) : Effect.void,
  })
  yield* writeDetections(join(runDir, "detections_val.json"), valSet, out.detections)
  const { stats } = out.evaluation
  yield* writeFileAtomic(
    join(runDir, "metrics.json"),
    `${JSON.stringify({ stats: Array.from(stats), images: out.images, seconds: out.seconds }, null, 2)}\n`,
  )
  yield* log(formatStats(stats, out.evaluation.params))
  return Array.from(stats)
})
