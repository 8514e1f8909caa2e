/**
 * The configuration `sniper train` runs, in layers: a preset (or, to resume, the run folder's config.json), the
 * `--config` overlay, then the flags; `detector.numClasses` comes from the training data unless a layer the user
 * wrote sets it. Every flag is checked before any of this work starts.
 */
import { existsSync, statSync } from "node:fs"
import { join, resolve } from "node:path"
import type { TrainConfig } from "@sniper/trainer"
import { Effect, Option } from "effect"
import { readConfigJson } from "./_train_config.ts"
import { UsageError } from "./_usage.ts"
import { lazyImport } from "./lazy_import.ts"

export const presetNames = ["demo", "sniper-coco-r50"] as const

export interface TrainFlags {
  readonly preset: Option.Option<(typeof presetNames)[number]>
  readonly config: Option.Option<string>
  readonly runDir: Option.Option<string>
  readonly trainAnnotations: Option.Option<string>
  readonly trainImages: Option.Option<string>
  readonly valAnnotations: Option.Option<string>
  readonly valImages: Option.Option<string>
  readonly init: Option.Option<string>
  readonly epochs: Option.Option<number>
  readonly maxSteps: Option.Option<number>
}

export interface TrainSetup {
  readonly config: TrainConfig
  /** Absolute. */
  readonly runDir: string
  /** Where the configuration came from, for the log. */
  readonly layers: ReadonlyArray<string>
}

const usage = (flag: string, problem: string) => new UsageError({ action: "train", flag, problem })

/** Fails with a UsageError unless `path` is an existing file (or folder when `folder`). */
function checkPath(flag: string, path: Option.Option<string>, kind: "file" | "folder") {
  if (Option.isNone(path)) return Effect.void
  const stat = statSync(path.value, { throwIfNoEntry: false })
  if (stat === undefined) return Effect.fail(usage(flag, `names "${path.value}", which does not exist`))
  if (kind === "folder" ? !stat.isDirectory() : !stat.isFile())
    return Effect.fail(usage(flag, `names "${path.value}", which is not a ${kind}`))
  return Effect.void
}

/** The user's flags, checked: counts in range, data flags in pairs, every named file present. */
const checkFlags = Effect.fn("checkFlags")(function* (flags: TrainFlags) {
  for (const [flag, value] of [
    ["epochs", flags.epochs],
    ["max-steps", flags.maxSteps],
  ] as const)
    if (Option.isSome(value) && value.value < 1) return yield* usage(flag, `must be at least 1, got ${value.value}`)
  for (const split of ["train", "val"] as const) {
    const annotations = split === "train" ? flags.trainAnnotations : flags.valAnnotations
    const images = split === "train" ? flags.trainImages : flags.valImages
    if (Option.isSome(annotations) !== Option.isSome(images)) {
      const [given, missing] = Option.isSome(annotations) ? ["annotations", "images"] : ["images", "annotations"]
      return yield* usage(`${split}-${missing}`, `is needed with --${split}-${given}`)
    }
  }
  if (Option.isSome(flags.valAnnotations) && Option.isNone(flags.trainAnnotations))
    return yield* usage(
      "val-annotations",
      "needs --train-annotations and --train-images (the synthetic data set has its own val split)",
    )
  yield* checkPath("config", flags.config, "file")
  yield* checkPath("init", flags.init, "file")
  yield* checkPath("train-annotations", flags.trainAnnotations, "file")
  yield* checkPath("train-images", flags.trainImages, "folder")
  yield* checkPath("val-annotations", flags.valAnnotations, "file")
  yield* checkPath("val-images", flags.valImages, "folder")
})

/** The flags as a config overlay; paths made absolute, so the saved config.json means the same from anywhere. */
function flagOverlay(flags: TrainFlags): Record<string, unknown> {
  const overlay: Record<string, unknown> = {}
  const split = (a: Option.Option<string>, i: Option.Option<string>) =>
    Option.isSome(a) && Option.isSome(i) ? { annotations: resolve(a.value), images: resolve(i.value) } : undefined
  const train = split(flags.trainAnnotations, flags.trainImages)
  // Data given on the command line replaces the configured data whole: a val split from the preset is not kept.
  if (train !== undefined) overlay.data = { train, val: split(flags.valAnnotations, flags.valImages) ?? null }
  if (Option.isSome(flags.init)) overlay.detector = { init: { torchvision: resolve(flags.init.value) } }
  if (Option.isSome(flags.epochs)) overlay.epochs = flags.epochs.value
  return overlay
}

function setsNumClasses(json: unknown): boolean {
  const detector = (json as { detector?: unknown } | null)?.detector
  return typeof detector === "object" && detector !== null && "numClasses" in detector
}

export const trainSetup = Effect.fn("trainSetup")(function* (flags: TrainFlags) {
  yield* checkFlags(flags)
  const trainer = yield* lazyImport(() => import("@sniper/trainer"))
  const presets: Record<(typeof presetNames)[number], TrainConfig> = {
    demo: trainer.demoConfig,
    "sniper-coco-r50": trainer.sniperCocoR50,
  }
  const layers: Array<string> = []
  let base: unknown
  let classesSet = false
  const saved = Option.map(flags.runDir, (dir) => join(dir, "config.json"))
  if (Option.isNone(flags.preset) && Option.isNone(flags.config) && Option.isSome(saved) && existsSync(saved.value)) {
    base = yield* readConfigJson(saved.value, { field: "--run-dir" })
    classesSet = true
    layers.push(saved.value)
  } else {
    const preset = Option.getOrElse(flags.preset, () => "demo" as const)
    base = presets[preset]
    layers.push(`preset ${preset}`)
  }
  if (Option.isSome(flags.config)) {
    const overlay = yield* readConfigJson(flags.config.value, { field: "--config" })
    base = trainer.overlayConfig(base, overlay)
    classesSet ||= setsNumClasses(overlay)
    layers.push(flags.config.value)
  }
  const overlay = flagOverlay(flags)
  if (Object.keys(overlay).length > 0) {
    base = trainer.overlayConfig(base, overlay)
    layers.push(`flags (${Object.keys(overlay).join(", ")})`)
  }
  // A refused field names the layers it may come from.
  const decode = (input: unknown) =>
    trainer
      .decodeTrainConfig(input)
      .pipe(
        Effect.mapError(
          (e) => new trainer.InvalidTrainConfig({ field: e.field, problem: `${e.problem} (in ${layers.join(" + ")})` }),
        ),
      )
  let config = yield* decode(base)
  if (!classesSet) {
    const classes = yield* categoryCount(config)
    if (classes !== config.detector.numClasses) {
      layers.push(`${classes} classes from the training data`)
      config = yield* decode(trainer.overlayConfig(base, { detector: { numClasses: classes } }))
    }
  }
  const runDir = resolve(Option.getOrElse(flags.runDir, () => join("runs", config.name)))
  return { config, runDir, layers } satisfies TrainSetup
})

/** The categories of the training data: the synthetic data set's without reading it, else the instances file's. */
const categoryCount = Effect.fn("categoryCount")(function* (config: TrainConfig) {
  const coco = yield* lazyImport(() => import("@sniper/coco-io"))
  if (config.data.train === undefined) return coco.synthCategories.length
  const dataset = yield* coco.loadDataset(config.data.train.annotations)
  return dataset.categories.count
})
