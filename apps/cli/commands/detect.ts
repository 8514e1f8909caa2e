import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { BadImage } from "@sniper/coco-io"
import { Console, Effect, Option, Stream } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { jsonFlag } from "./_flags.ts"
import { readTrainConfig } from "./_train_config.ts"
import { imageWorkersFlag } from "./_workers_flag.ts"
import {
  categoriesOf,
  DetectUsage,
  groundTruthRows,
  imageExtensions,
  listImages,
  modelFiles,
  pictureNames,
  resultsDataset,
} from "./detect_inputs.ts"
import { lazyImport } from "./lazy_import.ts"

/** One image to run: its position in the input, file, COCO id, ground-truth row (else its position), picture. */
interface Input {
  readonly index: number
  readonly file: string
  readonly id: number
  readonly row: number
  readonly size?: { readonly width: number; readonly height: number }
  readonly picture: string
}

/** An image that was run, as `images.json` lists it. */
interface Done {
  readonly id: number
  readonly file_name: string
  readonly width: number
  readonly height: number
  readonly picture: string
  readonly detections: number
  readonly drawn: number
}

/** A progress line every this many images, or this many seconds, whichever comes first. */
const PROGRESS_IMAGES = 10
const PROGRESS_SECONDS = 5

/**
 * `sniper detect --run-dir DIR --images PATH... --out DIR [--annotations GT] [--score S] [--workers N] [--json]`: the run's
 * detector on whole images at its test scales (docs/sniper.md section 6), a COCO results file, one picture per
 * image, and with ground truth pycocotools' numbers, a per-category table and precision-recall curves.
 */
export const detect = Command.make(
  "detect",
  {
    runDir: Flag.String("run-dir").pipe(
      Flag.withDescription("a training run folder: its config.json (test scales, valid ranges, merge) and checkpoint"),
      Flag.optional,
    ),
    weights: Flag.String("weights").pipe(
      Flag.withDescription("a detector weights or checkpoint file, instead of the run folder's checkpoint"),
      Flag.optional,
    ),
    config: Flag.String("config").pipe(
      Flag.withDescription("a training config JSON (as a run folder's config.json), instead of the run folder's"),
      Flag.optional,
    ),
    images: Flag.String("images").pipe(
      Flag.withDescription(
        `image files or folders (a folder gives its ${imageExtensions.join(" ")} files, sorted by name); repeat it, or list more paths after it`,
      ),
      Flag.atLeast(1),
    ),
    morePaths: Argument.String("path").pipe(
      Argument.withDescription("more image files or folders, as --images"),
      Argument.variadic(),
    ),
    out: Flag.String("out").pipe(
      Flag.withDescription("the folder for detections.json, images.json and one picture per image (created)"),
    ),
    annotations: Flag.String("annotations").pipe(
      Flag.withDescription(
        "COCO instances file of the images (matched by file name): their ids, pycocotools' numbers, per_category.md, pr_curve.svg",
      ),
      Flag.optional,
    ),
    score: Flag.Finite("score").pipe(
      Flag.withDescription("draw the detections scoring at least this, default 0.3 (all go to detections.json)"),
      Flag.withDefault(0.3),
    ),
    workers: imageWorkersFlag,
    json: jsonFlag,
  },
  (flags) =>
    Effect.gen(function* () {
      const started = performance.now()
      if (!(flags.score >= 0 && flags.score <= 1)) {
        return yield* new DetectUsage({ flag: "score", problem: `must be in [0, 1], current value is ${flags.score}` })
      }
      if (Option.isSome(flags.workers) && flags.workers.value < 1) {
        return yield* new DetectUsage({
          flag: "workers",
          problem: `must be at least 1, current value is ${flags.workers.value}`,
        })
      }
      const files = yield* modelFiles(flags)
      const config = yield* readTrainConfig(files.config, {
        field: files.configFlag,
        hint: files.configFlag === "--run-dir" ? "is it a run folder?" : undefined,
      })
      const paths = yield* listImages([...flags.images, ...flags.morePaths])
      const { workersFor } = yield* lazyImport(() => import("@sniper/trainer"))
      // No more threads than images: each costs a backend and a replica.
      const workers = Math.min(
        paths.length,
        Option.getOrElse(flags.workers, () => workersFor(config)),
      )
      const coco = yield* lazyImport(() => import("@sniper/coco-io"))
      const evaluator = yield* lazyImport(() => import("@sniper/evaluator"))
      const report = yield* lazyImport(() => import("./detect_report.ts"))
      const groundTruth = Option.isSome(flags.annotations)
        ? yield* coco.loadDataset(flags.annotations.value, { keepZeroArea: true })
        : undefined
      const rows = groundTruth === undefined ? undefined : yield* Effect.fromResult(groundTruthRows(paths, groundTruth))
      const categories = yield* categoriesOf(config, groundTruth, files.configFlag)
      const out = flags.out
      yield* Effect.tryPromise({
        try: () => mkdir(out, { recursive: true }),
        catch: (cause) => new DetectUsage({ flag: "out", problem: `"${out}" cannot be created: ${cause}` }),
      })
      const pictures = pictureNames(paths, out)
      const inputs: Array<Input> = paths.map((file, index) => {
        const row = rows === undefined ? index : rows[index]
        return {
          index,
          file,
          row,
          id: groundTruth === undefined ? index + 1 : groundTruth.images.id[row],
          size:
            groundTruth === undefined
              ? undefined
              : { width: groundTruth.images.width[row], height: groundTruth.images.height[row] },
          picture: join(out, pictures[index]),
        }
      })

      // Decoded once: inference hands the decoded image on with its detections, for the picture.
      const decode = (input: Input) =>
        Effect.tryPromise({
          try: () => readFile(input.file),
          catch: (cause): BadImage =>
            new coco.BadImage({ imageId: input.id, file: input.file, reason: "unreadable", detail: String(cause) }),
        }).pipe(
          Effect.flatMap((bytes) =>
            coco.decodeImageBytes(bytes, { imageId: input.id, fileName: input.file, ...input.size }),
          ),
          Effect.tapError((error) => Console.error(`skipped: ${error.message}`)),
        )

      const model = yield* lazyImport(() => import("@sniper/detector-model"))
      const runtime = yield* lazyImport(() => import("@sniper/tensor-runtime"))
      const { detectStream } = yield* lazyImport(() => import("@sniper/inference"))
      const badImages = yield* coco.makeBadImageLog
      const collected = evaluator.emptyDetections()
      const done: Array<Done> = []
      // The rate counts from the first image, after the model has loaded.
      let running = performance.now()
      let printedAt = { done: 0, time: running }
      const progress = (count: number) => {
        const now = performance.now()
        const due = count === paths.length || count - printedAt.done >= PROGRESS_IMAGES
        if (!due && now - printedAt.time < PROGRESS_SECONDS * 1000) return Effect.void
        printedAt = { done: count, time: now }
        return Console.error(report.progressLine(count, paths.length, (now - running) / 1000))
      }

      yield* Effect.scoped(
        Effect.gen(function* () {
          const detector = yield* model.scopedDetector(config.detector, { seed: config.seed })
          yield* runtime.loadWeightsInto(files.weights, model.namedVariables(detector), {
            ignore: runtime.isOptimizerSlot,
          })
          const threads = workers > 1 ? ` on ${workers} worker threads` : ""
          yield* Console.error(
            `detect: ${paths.length} images at ${config.test.scales.length} scales with ${files.weights}${threads}`,
          )
          running = performance.now()
          printedAt = { done: 0, time: running }
          const results = detectStream(detector, inputs, {
            ...config.test,
            decode,
            badImages,
            workers,
            imageName: (input) => input.file,
          })
          yield* Stream.runForEach(results, ({ input, image, detections }) =>
            Effect.gen(function* () {
              const picture = yield* coco.drawDetections(image, detections, {
                names: categories.name,
                minScore: flags.score,
                out: input.picture,
              })
              evaluator.addImageDetections(collected, { row: input.row, detections })
              done.push({
                id: input.id,
                file_name: input.file,
                width: image.width,
                height: image.height,
                picture: input.picture,
                detections: detections.count,
                drawn: picture.drawn,
              })
              yield* progress(input.index + 1)
            }),
          )
          if (printedAt.done < paths.length) yield* progress(paths.length)
        }),
      ).pipe(Effect.provide(runtime.TensorRuntime.layerQuiet))

      const detectSeconds = (performance.now() - running) / 1000
      const skipped = yield* badImages.failures
      if (done.length === 0) {
        return yield* new DetectUsage({
          flag: "images",
          problem: `gave ${paths.length} image(s) and none could be read; the first: ${skipped[0]?.message}`,
        })
      }
      const seconds = (performance.now() - started) / 1000
      const detections = evaluator.toDetections(collected)
      const written = {
        detections: join(out, "detections.json"),
        images: join(out, "images.json"),
        perCategory: groundTruth === undefined ? undefined : join(out, "per_category.md"),
        prCurve: groundTruth === undefined ? undefined : join(out, "pr_curve.svg"),
      }
      const write = (path: string, text: string) =>
        Effect.tryPromise({
          try: () => writeFile(path, text),
          catch: (cause) => new coco.CocoWriteError({ file: path, problem: String(cause) }),
        })
      const ran = new Map(done.map((d) => [d.id, d]))
      const writerDataset =
        groundTruth ??
        resultsDataset(
          inputs.map(({ file, id }) => ({ file, width: ran.get(id)?.width ?? 0, height: ran.get(id)?.height ?? 0 })),
          categories,
          written.images,
        )
      yield* coco.writeDetections(written.detections, writerDataset, detections)
      const skippedList = skipped.map((e) => ({ file: e.file, problem: e.message }))
      yield* write(written.images, `${JSON.stringify({ images: done, skipped: skippedList }, null, 1)}\n`)

      let stats: ReadonlyArray<number> | undefined
      if (groundTruth !== undefined && written.perCategory !== undefined && written.prCurve !== undefined) {
        const subset = report.groundTruthOf(
          groundTruth,
          done.map((d) => groundTruth.imageRow(d.id)),
          detections,
        )
        const result = evaluator.evaluateBoxes(subset.groundTruth, subset.detections)
        stats = Array.from(result.stats)
        yield* write(written.perCategory, report.perCategoryTable(result.perCategory, { images: done.length }))
        yield* write(written.prCurve, yield* evaluator.renderSvg(evaluator.prCurveSpec(result, result.params)))
        if (!flags.json) yield* Console.log(evaluator.formatStats(result.stats, result.params))
      }

      const drawn = done.reduce((n, d) => n + d.drawn, 0)
      const summary = {
        out,
        weights: files.weights,
        images: done.length,
        skipped: skippedList,
        detections: detections.count,
        drawn,
        seconds: Math.round(seconds * 1000) / 1000,
        imagesPerSecond: Math.round((done.length / detectSeconds) * 1000) / 1000,
        files: written,
        ...(stats === undefined ? {} : { stats }),
      }
      if (flags.json) return yield* Console.log(JSON.stringify(summary))
      yield* Console.log(
        [
          `${detections.count} detections of ${done.length} images${skipped.length > 0 ? ` (${skipped.length} skipped)` : ""} in ${seconds.toFixed(1)} s (${summary.imagesPerSecond} images/s): ${written.detections}`,
          `${drawn} scoring at least ${flags.score} drawn on ${done.length} pictures in ${out}`,
          ...(written.perCategory === undefined
            ? [`image ids: ${written.images}`]
            : [`per-category AP: ${written.perCategory}, precision-recall curves: ${written.prCurve}`]),
        ].join("\n"),
      )
    }),
).pipe(
  Command.withDescription(
    "Detect objects in images with a trained run at its test scales: a COCO results file, pictures, and with --annotations an evaluation",
  ),
)
