import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { dataDirFlag, jsonFlag } from "./_flags.ts"
import { presetNames, trainSetup } from "./_train_setup.ts"
import { UsageError } from "./_usage.ts"
import { lazyImport, lazyTensorRuntime } from "./lazy_import.ts"

const path = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)

/** `sniper train`: SNIPER training with checkpoints and resume, then multi-scale COCO evaluation. */
export const train = Command.make(
  "train",
  {
    preset: Flag.Literals("preset", presetNames).pipe(
      Flag.withDescription(
        "the configuration to start from: demo (the default; synthetic data, minutes on a CPU) or sniper-coco-r50 (SNIPER's COCO recipe, ResNet-50). Without --preset and --config, a --run-dir holding a config.json resumes with that configuration",
      ),
      Flag.optional,
    ),
    config: path(
      "config",
      'a JSON file laid over the preset: objects merge, arrays and scalars replace, null removes a field; e.g. {"epochs": 2, "negatives": {"rpnEpochs": 1}}. A run folder\'s whole config.json works too. Unknown fields are refused',
    ),
    runDir: path(
      "run-dir",
      "the run folder (default runs/<config name>): config.json, log.jsonl, checkpoint.safetensors, detections and metrics; a folder with a checkpoint resumes",
    ),
    dataDir: dataDirFlag,
    trainAnnotations: path("train-annotations", "a COCO instances file to train on (with --train-images)"),
    trainImages: path("train-images", "the folder the training file's file_name entries are relative to"),
    valAnnotations: path(
      "val-annotations",
      "a COCO instances file to evaluate on after training (with --val-images; needs the train flags)",
    ),
    valImages: path("val-images", "the folder the val file's file_name entries are relative to"),
    init: path(
      "init",
      "pretrained backbone: a torchvision ResNet state dict of the config's depth saved as safetensors (sets detector.init.torchvision); loaded when a run starts, not on resume",
    ),
    epochs: Flag.Int("epochs").pipe(Flag.withDescription("override the number of epochs"), Flag.optional),
    maxSteps: Flag.Int("max-steps").pipe(
      Flag.withDescription("stop after this many steps in all (resume later with the same run folder)"),
      Flag.optional,
    ),
    workers: Flag.Int("workers").pipe(
      Flag.withDescription(
        "worker threads for the passes of each batch (default: the config's workers, else one per core that memory holds; 1: in this thread). The numbers do not depend on it",
      ),
      Flag.optional,
    ),
    extend: Flag.Boolean("extend").pipe(
      Flag.withDescription(
        "let --epochs grow past a finished (or stopped) run's epochs; everything else must match its config.json",
      ),
      Flag.withDefault(false),
    ),
    skipEval: Flag.Boolean("skip-eval").pipe(
      Flag.withDescription("do not evaluate on the val split"),
      Flag.withDefault(false),
    ),
    json: jsonFlag,
  },
  (flags) =>
    Effect.gen(function* () {
      const { config, runDir, layers } = yield* trainSetup(flags)
      yield* Effect.logInfo(`configuration ${config.name}: ${layers.join(" + ")}`)
      const { train: runTraining, StepRunner, workersFor } = yield* lazyImport(() => import("@sniper/trainer"))
      const workers = Option.getOrElse(flags.workers, () => workersFor(config))
      if (workers < 1)
        return yield* new UsageError({
          action: "train",
          flag: "workers",
          problem: `must be at least 1, got ${workers}`,
        })
      yield* Effect.logInfo(workers === 1 ? "steps in this thread" : `steps on ${workers} worker threads`)
      const result = yield* runTraining({
        config,
        runDir,
        dataDir: flags.dataDir,
        maxSteps: Option.getOrUndefined(flags.maxSteps),
        evaluate: !flags.skipEval,
        extend: flags.extend,
      }).pipe(
        Effect.provide(StepRunner.layerFor(workers)),
        // The trainer keeps its last checkpoint; the same folder resumes from it.
        Effect.onInterrupt(() =>
          Console.error(`sniper: interrupted; resume with: sniper train --run-dir ${JSON.stringify(runDir)}`),
        ),
      )
      if (flags.json) return yield* Console.log(JSON.stringify(result))
      yield* Console.log(
        `${result.finished ? "finished" : "stopped"}: ${result.steps} steps in ${result.seconds.toFixed(0)} s, run folder ${result.runDir}` +
          (result.stats === undefined ? "" : `, AP ${result.stats[0].toFixed(3)}, AP50 ${result.stats[1].toFixed(3)}`),
      )
    }).pipe(Effect.provide(lazyTensorRuntime)),
).pipe(
  Command.withDescription(
    "Train a SNIPER detector (chips re-drawn every epoch), checkpointing as it goes, then evaluate it at several scales. detector.numClasses comes from the training data's categories unless --config (or the resumed config.json) sets it. Exit codes: 0 done, 1 failed, 2 bad flags, 130 interrupted (the run folder resumes)",
  ),
)
