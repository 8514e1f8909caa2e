import type { TrainConfig } from "@sniper/trainer"
import { Console, Effect, Layer, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { dataDirFlag, jsonFlag } from "./_flags.ts"
import { readTrainConfig } from "./_train_config.ts"
import { lazyImport } from "./lazy_import.ts"

/** `sniper train`: SNIPER training with checkpoints and resume, then multi-scale COCO evaluation. */
export const train = Command.make(
  "train",
  {
    preset: Flag.Literals("preset", ["demo", "sniper-coco-r50"]).pipe(
      Flag.withDescription(
        "a configuration in code: demo (default; synthetic data, minutes on a CPU) or sniper-coco-r50",
      ),
      Flag.withDefault("demo" as const),
    ),
    config: Flag.String("config").pipe(
      Flag.withDescription("a JSON configuration file (e.g. a run folder's config.json), instead of --preset"),
      Flag.optional,
    ),
    runDir: Flag.String("run-dir").pipe(
      Flag.withDescription("the run folder; a folder with a checkpoint is resumed (default runs/<name>)"),
      Flag.optional,
    ),
    dataDir: dataDirFlag,
    epochs: Flag.Int("epochs").pipe(Flag.withDescription("override the number of epochs"), Flag.optional),
    maxSteps: Flag.Int("max-steps").pipe(
      Flag.withDescription("stop after this many steps in all (resume later with the same run folder)"),
      Flag.optional,
    ),
    skipEval: Flag.Boolean("skip-eval").pipe(
      Flag.withDescription("do not evaluate on the val split"),
      Flag.withDefault(false),
    ),
    json: jsonFlag,
  },
  (flags) =>
    Effect.gen(function* () {
      const trainer = yield* lazyImport(() => import("@sniper/trainer"))
      const { decodeTrainConfig, train: runTraining } = trainer
      const presets: Record<string, TrainConfig> = {
        demo: trainer.demoConfig,
        "sniper-coco-r50": trainer.sniperCocoR50,
      }
      const base = Option.isSome(flags.config)
        ? yield* readTrainConfig(flags.config.value, { field: "--config" })
        : presets[flags.preset]
      const config = yield* decodeTrainConfig({
        ...base,
        epochs: Option.getOrElse(flags.epochs, () => base.epochs),
      })
      const result = yield* runTraining({
        config,
        runDir: Option.getOrElse(flags.runDir, () => `runs/${config.name}`),
        dataDir: flags.dataDir,
        maxSteps: Option.getOrUndefined(flags.maxSteps),
        evaluate: !flags.skipEval,
      })
      if (flags.json) return yield* Console.log(JSON.stringify(result))
      yield* Console.log(
        `${result.finished ? "finished" : "stopped"}: ${result.steps} steps in ${result.seconds.toFixed(0)} s, run folder ${result.runDir}` +
          (result.stats === undefined ? "" : `, AP ${result.stats[0].toFixed(3)}, AP50 ${result.stats[1].toFixed(3)}`),
      )
    }).pipe(
      Effect.provide(
        Layer.unwrap(
          Effect.map(
            lazyImport(() => import("@sniper/tensor-runtime")),
            (m) => m.TensorRuntime.layerQuiet,
          ),
        ),
      ),
    ),
).pipe(
  Command.withDescription(
    "Train a SNIPER detector (chips re-drawn every epoch), checkpointing as it goes, then evaluate it at several scales",
  ),
)
