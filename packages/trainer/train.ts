import { join } from "node:path"
import type { ChipConfig, Proposals } from "@sniper/chip-sampler"
import { type BadImageLog, type Dataset, formatBadImages, makeBadImageLog } from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import { describeRuntime, TensorRuntime } from "@sniper/tensor-runtime"
import { Effect } from "effect"
import { scopedDetector, scopedOptimizer } from "./_resources.ts"
import { checkpointPath } from "./checkpoint.ts"
import type { TrainConfig } from "./config.ts"
import { resolveData } from "./data.ts"
import { splitFingerprint } from "./data_fingerprint.ts"
import { type EpochPlan, planEpoch } from "./epoch_plan.ts"
import { NoTrainingData } from "./errors.ts"
import { drawnPictures, evaluateOnVal } from "./evaluate.ts"
import { evaluateCurvePoint, readCurve, recordCurvePoint } from "./learning_curve.ts"
import { writeLossPlot } from "./loss_plot.ts"
import { negativeProposals } from "./negatives.ts"
import { type ProgressMode, withRunProgress } from "./progress.ts"
import { loadRunData } from "./run_data.ts"
import { openRunDir, prepareRunDir, writeFileAtomic } from "./run_dir.ts"
import { logPath } from "./run_log.ts"
import { type AfterEpochError, type Stage, trainStage } from "./train_stage.ts"

/** Where a run lives and how far it may go this time. */
export interface TrainOptions {
  readonly config: TrainConfig
  /** The run folder: config.json, data.json, checkpoint.safetensors, log.jsonl, loss.svg, detections and metrics;
   * with negative chips also the RPN stage's rpn_log.jsonl, rpn_checkpoint.safetensors (while it trains),
   * rpn.safetensors and proposals_train.json. */
  readonly runDir: string
  /** Where the synthetic data set is generated when the config names no data files. */
  readonly dataDir: string
  /** Stop after this many optimizer steps of the run in all (a later run with the same folder resumes): the
   * steps of the RPN stage of `negatives` (when it trains in this run folder), then the detector's. */
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
  /** The run's optimizer steps in all (what `maxSteps` counts), `rpnSteps` included. */
  readonly steps: number
  /** The RPN stage's steps (0 without one). */
  readonly rpnSteps: number
  readonly finished: boolean
  /** The loss of the detector's last step in this session. */
  readonly lastLoss: number | undefined
  readonly stats: ReadonlyArray<number> | undefined
  readonly skippedImages: number
  readonly seconds: number
}

/** Negative chips in an epoch's plan. */
function negativeChips(plan: EpochPlan): number {
  return plan.entries.reduce((n, e) => n + e.chips.filter((c) => c.negative).length, 0)
}

/** The detector stage: every epoch's positive chips and, with proposals, negative chips around them. */
function detectorStage(
  config: TrainConfig,
  options: {
    readonly runDir: string
    readonly trainSet: Dataset
    readonly chips: ChipConfig
    readonly proposals: Proposals | undefined
    /** With `test.everyEpochs`: the learning curve's evaluations. */
    readonly curve?: ((epochs: number, step: number) => Effect.Effect<void, AfterEpochError>) | undefined
  },
): Stage {
  const { runDir, trainSet, chips, proposals, curve } = options
  return {
    name: "detector",
    key: 0x57e9,
    rpnOnly: false,
    checkpoint: checkpointPath(runDir),
    log: logPath(runDir),
    epochs: config.epochs,
    plan: (epoch) => planEpoch(trainSet, chips, { seed: config.seed, epoch, flip: config.flip, proposals }),
    describe: (plan) => `${plan.chipCount} chips${proposals === undefined ? "" : ` (${negativeChips(plan)} negative)`}`,
    onCheckpoint: (records) =>
      writeLossPlot(runDir, records, { title: `${config.name}: losses and learning rate` }).pipe(
        Effect.catchTag("PlotError", (e) => Effect.logWarning(`loss.svg not redrawn: ${e.message}`)),
      ),
    afterEpoch: curve,
  }
}

/**
 * The learning curve's hook: after every `test.everyEpochs` epochs but the last (the final evaluation is the
 * curve's last point), unless the curve already has that step (a resume after the evaluation).
 */
function curveHook(
  config: TrainConfig,
  options: {
    readonly runDir: string
    readonly val: { readonly annotations: string; readonly images: string } | undefined
    readonly detector: Detector
    readonly badImages: BadImageLog
  },
) {
  const { runDir, val, detector, badImages } = options
  const every = config.test.everyEpochs
  if (every === undefined || val === undefined) return undefined
  return (epochs: number, step: number) =>
    epochs % every !== 0 || epochs >= config.epochs
      ? Effect.void
      : Effect.gen(function* () {
          const curve = yield* readCurve(runDir)
          if (curve.some((p) => p.step === step)) return
          yield* evaluateCurvePoint(detector, val, config, runDir, { badImages, epoch: epochs, step })
        })
}

/**
 * Trains a SNIPER detector: per epoch the chip sampler's chips (re-drawn every epoch), cut from images decoded
 * once, in batches through the detector; a checkpoint (and a redrawn loss.svg) every `checkpointEvery` steps and
 * at each epoch's end, from which a rerun with the same folder resumes; then multi-scale inference and COCO
 * evaluation on the val split. The run folder is locked while it trains and must hold a run of the same
 * configuration and data. With `negatives`, every epoch also has negative chips around the proposals of a
 * short-schedule RPN, trained (with its own checkpoint and log, resumed the same way) and run once per run folder
 * before the detector (see `negativeProposals`). Each step goes through the StepRunner service.
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

  const positives = planEpoch(trainSet, chips, { seed: config.seed, epoch: 0, flip: config.flip })
  if (positives.chipCount === 0) {
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
      const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY
      // Estimates from the positive chips of epoch 0, refined by each stage as it draws its epochs.
      const positiveSteps = Math.ceil(positives.chipCount / config.chipsPerBatch)
      const detectorEstimate = positiveSteps * config.epochs
      const rpnEstimate =
        negatives === undefined || negatives.proposals !== undefined ? 0 : positiveSteps * negatives.rpnEpochs
      const run = yield* withRunProgress(
        {
          mode: options.progress ?? "auto",
          total: Math.min(maxSteps, rpnEstimate + detectorEstimate),
          logEvery: config.logEvery,
        },
        (progress) =>
          Effect.gen(function* () {
            const rpn =
              negatives === undefined
                ? { proposals: undefined, rpnSteps: 0 }
                : yield* negativeProposals(
                    { ...config, negatives },
                    { runDir, trainSet, chips, data, badImages, progress, maxSteps, after: detectorEstimate },
                  )
            // the step limit stopped the RPN stage: no proposals, no detector step
            if (negatives !== undefined && rpn.proposals === undefined) {
              return { rpnSteps: rpn.rpnSteps, steps: 0, stopped: true, lastLoss: undefined }
            }
            const curve =
              options.evaluate === false ? undefined : curveHook(config, { runDir, val: data.val, detector, badImages })
            const stage = detectorStage(config, { runDir, trainSet, chips, proposals: rpn.proposals, curve })
            const trained = yield* trainStage(stage, {
              config,
              trainSet,
              imageRoot: data.train.images,
              badImages,
              detector,
              optimizer,
              progress,
              before: rpn.rpnSteps,
              after: 0,
              maxSteps,
            })
            return { rpnSteps: rpn.rpnSteps, ...trained }
          }),
      )
      const steps = run.rpnSteps + run.steps
      if (run.stopped)
        yield* Effect.logInfo(`stopped after step ${steps} (maxSteps); rerun with the same run folder to resume`)

      let stats: ReadonlyArray<number> | undefined
      if (!run.stopped && (options.evaluate ?? true) && data.val !== undefined) {
        const final = yield* evaluateOnVal(detector, data.val, config, runDir, {
          badImages,
          pictures: drawnPictures(8),
        })
        stats = final.stats
        if (config.test.everyEpochs !== undefined)
          yield* recordCurvePoint(runDir, { epoch: config.epochs, step: run.steps, ...final }, config)
      }
      const failures = yield* badImages.failures
      if (failures.length > 0) yield* Effect.logWarning(formatBadImages(failures))
      const result: TrainResult = {
        runDir,
        steps,
        rpnSteps: run.rpnSteps,
        finished: !run.stopped,
        lastLoss: run.lastLoss,
        stats,
        skippedImages: failures.length,
        seconds: (performance.now() - started) / 1000,
      }
      yield* writeFileAtomic(join(runDir, "result.json"), `${JSON.stringify(result, null, 2)}\n`)
      return result
    }),
  )
})
