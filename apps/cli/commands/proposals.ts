import { existsSync } from "node:fs"
import { join } from "node:path"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { dataDirFlag, jsonFlag } from "./_flags.ts"
import { readTrainConfig } from "./_train_config.ts"
import { UsageError } from "./_usage.ts"
import { imageWorkersFlag } from "./_workers_flag.ts"
import { lazyImport, lazyTensorRuntime } from "./lazy_import.ts"

/**
 * `sniper proposals --run-dir DIR`: SNIPER's proposals for negative chips (docs/sniper.md section 3 step 2) from a run
 * folder's detector: its short-schedule RPN (`rpn.safetensors`) when it has one, else its checkpoint; the run's
 * test scales; a COCO results file that `sniper chips --proposals` and `negatives.proposals` read.
 */
export const proposals = Command.make(
  "proposals",
  {
    runDir: Flag.String("run-dir").pipe(
      Flag.withDescription("a training run folder: its config.json, and rpn.safetensors (else checkpoint.safetensors)"),
    ),
    dataDir: dataDirFlag,
    split: Flag.Literals("split", ["train", "val"]).pipe(
      Flag.withDescription("the images to run (default train)"),
      Flag.withDefault("train" as const),
    ),
    weights: Flag.String("weights").pipe(
      Flag.withDescription("a detector weights or checkpoint file instead of the run folder's"),
      Flag.optional,
    ),
    out: Flag.String("out").pipe(
      Flag.withDescription("the COCO results file to write (default <run-dir>/proposals_<split>.json)"),
      Flag.optional,
    ),
    maxPerImage: Flag.Int("max-per-image").pipe(
      Flag.withDescription("keep at most this many proposals per image after merging the scales"),
      Flag.optional,
    ),
    workers: imageWorkersFlag,
    json: jsonFlag,
  },
  (flags) =>
    Effect.gen(function* () {
      if (Option.isSome(flags.maxPerImage) && flags.maxPerImage.value < 1) {
        const problem = `must be at least 1, got ${flags.maxPerImage.value}`
        return yield* new UsageError({ action: "compute proposals", flag: "max-per-image", problem })
      }
      if (Option.isSome(flags.workers) && flags.workers.value < 1) {
        const problem = `must be at least 1, got ${flags.workers.value}`
        return yield* new UsageError({ action: "compute proposals", flag: "workers", problem })
      }
      const trainer = yield* lazyImport(() => import("@sniper/trainer"))
      const { loadDataset, makeBadImageLog, formatBadImages } = yield* lazyImport(() => import("@sniper/coco-io"))
      const model = yield* lazyImport(() => import("@sniper/detector-model"))
      const runtime = yield* lazyImport(() => import("@sniper/tensor-runtime"))
      const { computeProposals } = yield* lazyImport(() => import("@sniper/rpn-proposals"))
      const { InvalidTrainConfig } = trainer
      const config = yield* readTrainConfig(join(flags.runDir, "config.json"), {
        field: "--run-dir",
        hint: "is it a run folder?",
      })
      const data = yield* trainer.resolveData(config, flags.dataDir)
      const split = flags.split === "train" ? data.train : data.val
      if (split === undefined) {
        return yield* new InvalidTrainConfig({ field: "data.val", problem: "is not set, so --split val has no images" })
      }
      const dataset = yield* loadDataset(split.annotations)
      const rpnWeights = join(flags.runDir, "rpn.safetensors")
      const weights = Option.getOrElse(flags.weights, () =>
        existsSync(rpnWeights) ? rpnWeights : trainer.checkpointPath(flags.runDir),
      )
      const out = Option.getOrElse(flags.out, () => join(flags.runDir, `proposals_${flags.split}.json`))
      const badImages = yield* makeBadImageLog
      // No more threads than images: each costs a backend and a replica.
      const workers = Math.min(
        dataset.images.count,
        Option.getOrElse(flags.workers, () => trainer.workersFor(config)),
      )
      const result = yield* Effect.scoped(
        Effect.gen(function* () {
          // The detector's tensors are freed when this scope closes, however the run ends.
          const detector = yield* model.scopedDetector(config.detector, { seed: config.seed })
          yield* runtime.loadWeightsInto(weights, model.namedVariables(detector), { ignore: runtime.isOptimizerSlot })
          const threads = workers > 1 ? ` on ${workers} worker threads` : ""
          yield* Console.error(
            `proposals of ${dataset.images.count} ${flags.split} images at ${config.test.scales.length} scales with ${weights}${threads}`,
          )
          return yield* computeProposals(detector, dataset, {
            path: out,
            imageRoot: split.images,
            scales: config.test.scales,
            maxPerImage: Option.getOrUndefined(flags.maxPerImage),
            badImages,
            workers,
            onImage: (p) =>
              p.done % 10 === 0 || p.done === p.total
                ? Console.error(`${p.done}/${p.total} images, ${p.count} proposals`)
                : Effect.void,
          })
        }),
      )
      const failures = yield* badImages.failures
      if (failures.length > 0) yield* Console.error(formatBadImages(failures))
      const summary = { out, weights, ...result, skippedImages: failures.length }
      if (flags.json) return yield* Console.log(JSON.stringify(summary))
      yield* Console.log(
        `${result.proposals} proposals of ${result.images} images (${(result.proposals / Math.max(1, result.images)).toFixed(1)} per image) in ${result.seconds.toFixed(1)} s: ${out}`,
      )
    }).pipe(Effect.provide(lazyTensorRuntime)),
).pipe(
  Command.withDescription(
    "Proposals for negative chips: a run's RPN on every image at its test scales, written as a COCO results file",
  ),
)
