import { join } from "node:path"
import { formatBadImages, makeBadImageLog } from "@sniper/coco-io"
import { describeRuntime, TensorRuntime } from "@sniper/tensor-runtime"
import { Effect, Stream } from "effect"
import { scopedDetector, scopedOptimizer } from "./_resources.ts"
import { loadCheckpoint, type Progress, saveCheckpoint } from "./checkpoint.ts"
import { chipBatches } from "./chip_batches.ts"
import type { TrainConfig } from "./config.ts"
import { resolveData } from "./data.ts"
import { splitFingerprint } from "./data_fingerprint.ts"
import { type EpochPlan, planEpoch, remainingEntries } from "./epoch_plan.ts"
import { NoTrainingData } from "./errors.ts"
import { drawnPictures, evaluateOnVal } from "./evaluate.ts"
import { initBackbone } from "./init_weights.ts"
import { writeLossPlot } from "./loss_plot.ts"
import { negativeProposals } from "./negatives.ts"
import { batchStep } from "./optimizer.ts"
import { type ProgressMode, withRunProgress } from "./progress.ts"
import { loadRunData } from "./run_data.ts"
import { openRunDir, prepareRunDir, writeFileAtomic } from "./run_dir.ts"
import { appendLog, cutLog, type LogRecord } from "./run_log.ts"

/** Where a run lives and how far it may go this time. */
export interface TrainOptions {
  readonly config: TrainConfig
  /** The run folder: config.json, data.json, checkpoint.safetensors, log.jsonl, loss.svg, detections and metrics. */
  readonly runDir: string
  /** Where the synthetic data set is generated when the config names no data files. */
  readonly dataDir: string
  /** Stop after this many optimizer steps in all (a later run with the same folder resumes). Counts the
   * detector's steps: the short-schedule RPN of `negatives` always trains to its end first. */
  readonly maxSteps?: number | undefined
  /** Evaluate on the val split after the last epoch (default true). */
  readonly evaluate?: boolean | undefined
  /** Resume a run whose config.json has fewer `epochs` (everything else must match): it trains on to the new
   * count. Without it, any difference from the run folder's configuration is refused. */
  readonly extend?: boolean | undefined
  /** A progress bar on a terminal, plain log lines elsewhere ("auto", the default), or forced either way. */
  readonly progress?: ProgressMode | undefined
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

/**
 * Trains a SNIPER detector: per epoch the chip sampler's chips (re-drawn every epoch), cut from images decoded
 * once, in batches through the detector; a checkpoint (and a redrawn loss.svg) every `checkpointEvery` steps and
 * at each epoch's end, from which a rerun with the same folder resumes; then multi-scale inference and COCO
 * evaluation on the val split. The run folder is locked while it trains and must hold a run of the same
 * configuration and data. With `negatives`, every epoch also has negative chips around the proposals of a
 * short-schedule RPN, trained and run once per run folder before the detector (see `negativeProposals`).
 */
export const train = Effect.fn("train")(function* (options: TrainOptions) {
  const started = performance.now()
  const { config, runDir } = options
  const runtime = yield* TensorRuntime
  yield* Effect.logInfo(`backend: ${describeRuntime(runtime)}`)
  const data = yield* resolveData(config, options.dataDir)
  const datasets = yield* loadRunData(data, config)
  const trainSet = datasets.train
  // Decoded whole with the training config (its ChipConfig schema checked every field and rule).
  const { chips } = config

  if (planEpoch(trainSet, chips, { seed: config.seed, epoch: 0, flip: config.flip }).chipCount === 0) {
    return yield* new NoTrainingData({
      source: trainSet.source,
      reason: "no chip covers any of its boxes at any scale (are they all smaller than a pixel or two?)",
    })
  }

  return yield* Effect.scoped(
    Effect.gen(function* () {
      yield* openRunDir(runDir)
      const fingerprint = {
        train: yield* splitFingerprint(trainSet),
        val: datasets.val === undefined ? undefined : yield* splitFingerprint(datasets.val),
      }
      yield* prepareRunDir(runDir, config, { data: fingerprint, extend: options.extend })
      const detector = yield* scopedDetector(config)
      const optimizer = yield* scopedOptimizer(config.optimizer)
      const badImages = yield* makeBadImageLog
      const negatives = config.negatives
      const proposals =
        negatives === undefined
          ? undefined
          : yield* negativeProposals({ ...config, negatives }, { runDir, trainSet, chips, data, badImages })
      const resumed = yield* loadCheckpoint(runDir, detector, optimizer)
      const records: Array<LogRecord> = yield* cutLog(runDir, resumed?.step ?? 0)
      if (resumed === undefined) yield* initBackbone(detector)
      if (resumed !== undefined)
        yield* Effect.logInfo(
          `resuming at step ${resumed.step} (epoch ${resumed.epoch + 1}, ${resumed.chipsDone} chips in)`,
        )
      let progress: Progress = resumed ?? { step: 0, epoch: 0, chipsDone: 0 }
      const stepLimit = options.maxSteps ?? Number.POSITIVE_INFINITY
      let lastLoss: number | undefined
      let stopped = false
      const planOf = (epoch: number) =>
        planEpoch(trainSet, chips, { seed: config.seed, epoch, flip: config.flip, proposals })
      const firstPlan = planOf(0)
      const stepsPerEpoch = Math.max(1, Math.ceil(firstPlan.chipCount / config.chipsPerBatch))
      const save = (p: Progress) =>
        Effect.andThen(
          saveCheckpoint(runDir, detector, optimizer, p),
          writeLossPlot(runDir, records, { title: `${config.name}: losses and learning rate` }).pipe(
            Effect.catchTag("PlotError", (e) => Effect.logWarning(`loss.svg not redrawn: ${e.message}`)),
          ),
        )

      yield* withRunProgress(
        {
          mode: options.progress ?? "auto",
          total: Math.min(stepLimit, stepsPerEpoch * config.epochs),
          startStep: progress.step,
          logEvery: config.logEvery,
        },
        (bar) =>
          Effect.gen(function* () {
            for (let epoch = progress.epoch; epoch < config.epochs && !stopped; epoch++) {
              const plan = epoch === 0 ? firstPlan : planOf(epoch)
              const skip = epoch === progress.epoch ? progress.chipsDone : 0
              const epochSteps = Math.ceil(plan.chipCount / config.chipsPerBatch)
              const left = Math.ceil((plan.chipCount - skip) / config.chipsPerBatch)
              bar.setTotal(Math.min(stepLimit, progress.step + left + (config.epochs - epoch - 1) * epochSteps))
              yield* Effect.logInfo(
                `epoch ${epoch + 1}/${config.epochs}: ${plan.chipCount} chips${proposals === undefined ? "" : ` (${negativeChips(plan)} negative)`} from ${plan.entries.length} images (stride ${plan.stride}), ${epochSteps} steps`,
              )
              let chipsDone = skip
              const batches = chipBatches(trainSet, remainingEntries(plan, skip), {
                imageRoot: data.train.images,
                chipSize: config.chips.chipSize,
                chipsPerBatch: config.chipsPerBatch,
                normalization: config.detector.normalization,
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
                    progress = { step: progress.step + 1, epoch, chipsDone }
                    const record: LogRecord = { step: progress.step, epoch: epoch + 1, lr: rate, ...result }
                    records.push(record)
                    yield* appendLog(runDir, record)
                    const { counts, ...terms } = record
                    yield* Effect.logDebug("step").pipe(Effect.annotateLogs({ ...terms, ...counts }))
                    yield* bar.step({
                      step: progress.step,
                      epoch,
                      epochs: config.epochs,
                      chips: batch.count,
                      losses: result,
                      rate,
                    })
                    if (progress.step % config.checkpointEvery === 0) yield* save(progress)
                  }),
                ),
              )
              if (progress.step >= stepLimit && chipsDone < plan.chipCount) {
                stopped = true
                yield* save(progress)
              } else if (chipsDone === skip) {
                const failures = yield* badImages.failures
                return yield* new NoTrainingData({
                  source: data.train.images,
                  reason: `none of the ${plan.entries.length} images with chips in epoch ${epoch + 1} could be read${failures.length === 0 ? "" : ` (${failures.length} unreadable, the first: ${failures[0].message})`}; check data.train.images`,
                })
              } else {
                progress = { step: progress.step, epoch: epoch + 1, chipsDone: 0 }
                yield* save(progress)
              }
            }
          }),
      )
      if (stopped)
        yield* Effect.logInfo(
          `stopped after step ${progress.step} (maxSteps); rerun with the same run folder to resume`,
        )

      let stats: ReadonlyArray<number> | undefined
      if (!stopped && (options.evaluate ?? true) && data.val !== undefined) {
        stats = yield* evaluateOnVal(detector, data.val, config, runDir, { badImages, pictures: drawnPictures(8) })
      }
      const failures = yield* badImages.failures
      if (failures.length > 0) yield* Effect.logWarning(formatBadImages(failures))
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
  )
})
