import { basename, dirname, join } from "node:path"
import type { Mode, Proposals, ScaleSpec } from "@sniper/chip-sampler"
import { Console, Effect, Option, Runtime, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { jsonFlag } from "./_flags.ts"
import { lazyImport } from "./lazy_import.ts"

/** A flag combination `sniper chips` cannot act on. */
class ChipsUsage extends Schema.TaggedError<ChipsUsage>()("ChipsUsage", {
  flag: Schema.String,
  problem: Schema.String,
}) {
  // A flag the command cannot run with: exit 2, as for flags effect/cli refuses.
  override readonly [Runtime.errorExitCode] = 2

  override get message() {
    return `Cannot run chips: --${this.flag} ${this.problem}`
  }
}

const scaleLabel = (s: ScaleSpec) =>
  "factor" in s ? `${s.factor}x` : s.short === -1 ? `long side ${s.long}` : `(${s.short}, ${s.long})`

/** The image folder beside an `annotations/instances_<split>*.json` file: `../images/<split>`. */
function defaultImages(annotations: string): string {
  const split = /instances_([a-z]+\d*)/.exec(basename(annotations))?.[1] ?? ""
  return join(dirname(annotations), "..", "images", split)
}

/**
 * `sniper chips --annotations FILE [--proposals FILE] [--mode reference|paper] [--seed N] [--epoch N] [--json]
 * [--draw IMAGE_ID --out FILE.png [--images DIR]]`: one epoch's chips over a data set, with SNIPER's pixel
 * accounting, or a picture of one image's chips.
 */
export const chips = Command.make(
  "chips",
  {
    annotations: Flag.String("annotations").pipe(Flag.withDescription("COCO instances JSON file")),
    proposals: Flag.String("proposals").pipe(
      Flag.withDescription("COCO results file of proposals (short-RPN output) for negative chips"),
      Flag.optional,
    ),
    mode: Flag.Literals("mode", ["reference", "paper"]).pipe(
      Flag.withDescription("reference: the released code's rules; paper: the clean rules (docs/sniper.md section 8)"),
      Flag.withDefault("reference" as const),
    ),
    seed: Flag.Int("seed").pipe(Flag.withDescription("same seed and epoch, same chips"), Flag.withDefault(0)),
    epoch: Flag.Int("epoch").pipe(Flag.withDescription("epoch (part of the seed)"), Flag.withDefault(0)),
    json: jsonFlag,
    draw: Flag.Finite("draw").pipe(Flag.withDescription("COCO image id to draw instead of the report"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("PNG file the drawing goes to"), Flag.optional),
    images: Flag.String("images").pipe(
      Flag.withDescription("image folder for --draw (default: ../images/<split> beside the annotations)"),
      Flag.optional,
    ),
  },
  (flags) =>
    Effect.gen(function* () {
      const started = performance.now()
      const { chipConfig, chipImage, chipStats, chipStream, datasetImage, drawChips, proposalsFromDetections } =
        yield* lazyImport(() => import("@sniper/chip-sampler"))
      const { loadDataset, readDetections, resolveImagePath } = yield* lazyImport(() => import("@sniper/coco-io"))
      if (flags.seed < 0 || flags.epoch < 0) {
        return yield* new ChipsUsage({ flag: flags.seed < 0 ? "seed" : "epoch", problem: "must be >= 0" })
      }
      const config = yield* Effect.fromResult(chipConfig({ mode: flags.mode as Mode }))
      const dataset = yield* loadDataset(flags.annotations)
      let proposals: Proposals | undefined
      if (Option.isSome(flags.proposals)) {
        const detections = yield* readDetections(flags.proposals.value, dataset)
        proposals = proposalsFromDetections(dataset, detections, flags.proposals.value)
      }
      const loaded = performance.now()
      const { seed, epoch } = flags

      if (Option.isSome(flags.draw)) {
        const imageId = flags.draw.value
        if (Option.isNone(flags.out)) return yield* new ChipsUsage({ flag: "draw", problem: "needs --out FILE.png" })
        const row = dataset.imageRow(imageId)
        if (row < 0) {
          return yield* new ChipsUsage({ flag: "draw", problem: `names image ${imageId}, not in "${dataset.source}"` })
        }
        const image = datasetImage(dataset, row, { mode: config.mode, proposals })
        const result = chipImage(image, config, { seed, epoch, negatives: proposals !== undefined })
        const root = Option.getOrElse(flags.images, () => defaultImages(flags.annotations))
        const path = yield* resolveImagePath(root, { imageId, fileName: dataset.images.fileName[row] })
        yield* drawChips(path, flags.out.value, { image, chips: result, scaleLabels: config.scales.map(scaleLabel) })
        const line = { image: imageId, positiveChips: result.positives.length, negativeChips: result.negatives.length }
        return yield* Console.log(json(flags.json, { ...line, out: flags.out.value }, `wrote ${flags.out.value}`))
      }

      const stats = yield* chipStats(chipStream(dataset, { config, seed, epoch, proposals }), config)
      const seconds = (performance.now() - started) / 1000
      const report = {
        annotations: flags.annotations,
        proposals: proposals?.source ?? null,
        mode: config.mode,
        seed,
        epoch,
        ...stats,
        scales: config.scales.map(scaleLabel),
        pixelsPerEpoch: stats.chipPixels,
        loadSeconds: round((loaded - started) / 1000),
        seconds: round(seconds),
      }
      if (flags.json) return yield* Console.log(JSON.stringify(report))
      const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "n/a")
      yield* Console.log(
        [
          `chips ${basename(flags.annotations)} (${config.mode} mode, seed ${seed}, epoch ${epoch}, stride ${stats.strides.join(", ")})`,
          `  images            ${stats.images}`,
          `  scales            ${report.scales.join(", ")}`,
          `  positive chips    ${stats.positiveChips} (${f(stats.positivePerImage)} per image; per scale ${stats.positivesPerScale.join(" / ")})`,
          `  negative chips    ${stats.negativeChips} (${f(stats.negativePerImage)} per image; ${stats.negativeCandidates} candidates)${proposals === undefined ? ", no --proposals" : ""}`,
          `  chips per image   ${f(stats.chipsPerImage)}`,
          `  coverage          ${(100 * stats.coverage).toFixed(2)}% of eligible (box, scale) pairs inside a chip`,
          `  boxes             ${stats.boxes} non-crowd: ${(100 * stats.eligibleFraction).toFixed(2)}% eligible at some scale, ${(100 * stats.validFraction).toFixed(2)}% valid in some chip`,
          `  pixels per epoch  ${stats.chipPixels.toExponential(3)} SNIPER, ${stats.singleScalePixels.toExponential(3)} single-scale 800x1333, ${stats.pyramidPixels.toExponential(3)} full pyramid`,
          `  pixel ratios      ${f(stats.pixelRatioVsSingleScale)}x single-scale (${f(stats.pixelRatioVsSingleScaleCanvas)}x its padded 800x1333 canvas), ${f(stats.pixelRatioVsFullPyramid)}x full pyramid`,
          `  seconds           ${report.seconds} (loading ${report.loadSeconds})`,
        ].join("\n"),
      )
    }),
).pipe(Command.withDescription("Generate one epoch of SNIPER chips over a data set and report counts and pixels"))

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}

function json(asJson: boolean, value: object, text: string): string {
  return asJson ? JSON.stringify(value) : text
}
