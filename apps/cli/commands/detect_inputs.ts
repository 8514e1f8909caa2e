/**
 * What `sniper detect` reads: the model's files and category names, the image files and their ground-truth rows;
 * and the names of what it writes per image.
 */
import { existsSync } from "node:fs"
import { readdir, stat } from "node:fs/promises"
import { basename, extname, join, resolve, sep } from "node:path"
import type { Dataset } from "@sniper/coco-io"
import type { TrainConfig } from "@sniper/trainer"
import { Console, Effect, Option, Result, Schema } from "effect"
import { lazyImport } from "./lazy_import.ts"

/** A flag combination or input `sniper detect` cannot act on. */
export class DetectUsage extends Schema.TaggedError<DetectUsage>()("DetectUsage", {
  flag: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot run detect: --${this.flag} ${this.problem}`
  }
}

/** The files a folder given to `--images` contributes (case-insensitive); files named one by one may be anything. */
export const imageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"] as const

function isImageFile(name: string): boolean {
  return (imageExtensions as ReadonlyArray<string>).includes(extname(name).toLowerCase())
}

/**
 * The image files of `paths` in order: a file as given, a folder as its image files sorted by name (not its
 * sub-folders). A file reached twice is kept once. A path that does not exist, or nothing to run, is an error.
 */
export const listImages = Effect.fn("listImages")(function* (paths: ReadonlyArray<string>) {
  const files: Array<string> = []
  const seen = new Set<string>()
  const add = (file: string) => {
    if (!seen.has(resolve(file))) files.push(file)
    seen.add(resolve(file))
  }
  for (const path of paths) {
    const info = yield* Effect.tryPromise({
      try: () => stat(path),
      catch: () => new DetectUsage({ flag: "images", problem: `names "${path}", which does not exist` }),
    })
    if (!info.isDirectory()) {
      add(path)
      continue
    }
    const entries = yield* Effect.tryPromise({
      try: () => readdir(path, { withFileTypes: true }),
      catch: (cause) => new DetectUsage({ flag: "images", problem: `names "${path}", which cannot be read: ${cause}` }),
    })
    const names = entries.filter((e) => !e.isDirectory() && isImageFile(e.name)).map((e) => e.name)
    for (const name of names.sort()) add(join(path, name))
  }
  if (files.length === 0) {
    return yield* new DetectUsage({
      flag: "images",
      problem: `found no image files (${imageExtensions.join(" ")}) in ${paths.map((p) => `"${p}"`).join(", ")}`,
    })
  }
  return files
})

/** Whether a file name (or path) has a JPEG extension. */
export function isJpegName(file: string): boolean {
  const ext = extname(file).toLowerCase()
  return ext === ".jpg" || ext === ".jpeg"
}

/**
 * The picture name in `outDir` of each file: its base name, `.jpg` for a JPEG and `.png` otherwise, with `-2`,
 * `-3`... when an earlier file took the name (names compared case-insensitively, as some file systems do) or
 * when the name would overwrite one of the files themselves.
 */
export function pictureNames(files: ReadonlyArray<string>, outDir: string): Array<string> {
  const inputs = new Set(files.map((f) => resolve(f).toLowerCase()))
  const taken = new Set<string>()
  return files.map((file) => {
    const stem = basename(file, extname(file))
    const ext = isJpegName(file) ? ".jpg" : ".png"
    let name = `${stem}${ext}`
    for (let k = 2; taken.has(name.toLowerCase()) || inputs.has(resolve(outDir, name).toLowerCase()); k++) {
      name = `${stem}-${k}${ext}`
    }
    taken.add(name.toLowerCase())
    return name
  })
}

/**
 * The ground-truth row of each file, matched by file name: a `file_name` equal to the file's base name, or else
 * one the file's path ends with (`file_name` "val/1.jpg" matches "data/images/val/1.jpg"). A file matching no
 * image, or two files one image, is an error naming them.
 */
export function groundTruthRows(
  files: ReadonlyArray<string>,
  dataset: Pick<Dataset, "source" | "images">,
): Result.Result<Int32Array, DetectUsage> {
  const byBase = new Map<string, Array<number>>()
  dataset.images.fileName.forEach((name, row) => {
    const base = basename(name)
    byBase.set(base, [...(byBase.get(base) ?? []), row])
  })
  const rows = new Int32Array(files.length)
  const fileOfRow = new Map<number, string>()
  for (const [i, file] of files.entries()) {
    const candidates = byBase.get(basename(file)) ?? []
    const path = resolve(file).split(sep).join("/")
    const exact = candidates.filter((row) => dataset.images.fileName[row] === basename(file))
    const suffix = candidates.filter((row) => path.endsWith(`/${dataset.images.fileName[row].split("\\").join("/")}`))
    const found = exact.length === 1 ? exact : suffix
    if (found.length !== 1) {
      const why = found.length === 0 ? "is not" : `matches ${found.length} images`
      return Result.fail(
        new DetectUsage({
          flag: "annotations",
          problem: `"${dataset.source}": image "${file}" ${why} in it (images are matched by file_name)`,
        }),
      )
    }
    const earlier = fileOfRow.get(found[0])
    if (earlier !== undefined) {
      return Result.fail(
        new DetectUsage({
          flag: "annotations",
          problem: `"${dataset.source}": images "${earlier}" and "${file}" both match its image ${dataset.images.id[found[0]]}`,
        }),
      )
    }
    fileOfRow.set(found[0], file)
    rows[i] = found[0]
  }
  return Result.succeed(rows)
}

/**
 * The images run without ground truth as a `Dataset` for coco-io's results writer: image `k` of `files` has id
 * k + 1 (its size 0 when it was skipped), no annotations.
 */
export function resultsDataset(
  files: ReadonlyArray<{ readonly file: string; readonly width: number; readonly height: number }>,
  categories: Dataset["categories"],
  source: string,
): Dataset {
  const n = files.length
  const none = 0
  return {
    source,
    images: {
      count: n,
      id: Float64Array.from(files, (_, k) => k + 1),
      width: Int32Array.from(files, (f) => f.width),
      height: Int32Array.from(files, (f) => f.height),
      fileName: files.map((f) => f.file),
    },
    categories,
    annotations: {
      count: none,
      id: new Float64Array(none),
      image: new Int32Array(none),
      category: new Int32Array(none),
      bbox: new Float64Array(none),
      area: new Float64Array(none),
      iscrowd: new Uint8Array(none),
    },
    imageStart: new Int32Array(n + 1),
    zeroAreaDropped: 0,
    imageRow: (id) => (Number.isInteger(id) && id >= 1 && id <= n ? id - 1 : -1),
    categoryRow: (id) => categories.id.indexOf(id),
  }
}

/** Where the model comes from: a run folder, or `--weights` with `--config`, each overriding the run folder's. */
export function modelFiles(flags: {
  readonly runDir: Option.Option<string>
  readonly weights: Option.Option<string>
  readonly config: Option.Option<string>
}) {
  const runDir = Option.getOrUndefined(flags.runDir)
  const weights = Option.getOrUndefined(flags.weights)
  const config = Option.getOrUndefined(flags.config)
  if (runDir === undefined && (weights === undefined || config === undefined)) {
    return Effect.fail(
      new DetectUsage({
        flag: "run-dir",
        problem: "is needed, or --weights FILE with --config FILE for a model without one",
      }),
    )
  }
  return Effect.gen(function* () {
    const { checkpointPath } = yield* lazyImport(() => import("@sniper/trainer"))
    return {
      config: config ?? join(runDir as string, "config.json"),
      configFlag: config === undefined ? "--run-dir" : "--config",
      weights: weights ?? checkpointPath(runDir as string),
    }
  })
}

/**
 * The names and ids of the detector's classes 1..K: the ground truth's categories; else the synthetic data set's
 * when the config trains on it; else those of the config's annotation files; else "class k" with a warning.
 */
export const categoriesOf = Effect.fn("categoriesOf")(function* (
  config: TrainConfig,
  groundTruth: Dataset | undefined,
  configFlag: string,
) {
  const coco = yield* lazyImport(() => import("@sniper/coco-io"))
  const classes = config.detector.numClasses
  const numbered = (names: ReadonlyArray<string>): Dataset["categories"] => ({
    count: names.length,
    id: Int32Array.from(names, (_, k) => k + 1),
    name: names,
  })
  let found: Dataset["categories"]
  let from: string
  if (groundTruth !== undefined) {
    found = groundTruth.categories
    from = `"${groundTruth.source}"`
  } else if (config.data.train === undefined) {
    found = numbered(coco.synthCategories)
    from = "the config's synthetic data set"
  } else {
    const file = [config.data.val?.annotations, config.data.train.annotations].find((f) => f && existsSync(f))
    if (file === undefined) {
      yield* Console.error(
        `warning: the config's annotation files are missing, so the ${classes} classes are named "class 1".. with ids 1..; --annotations names them`,
      )
      return numbered(Array.from({ length: classes }, (_, k) => `class ${k + 1}`))
    }
    found = (yield* coco.loadDataset(file)).categories
    from = `the config's "${file}"`
  }
  if (found.count !== classes) {
    return yield* new DetectUsage({
      flag: groundTruth === undefined ? configFlag.slice(2) : "annotations",
      problem: `${from} has ${found.count} categories but the detector has ${classes} classes`,
    })
  }
  return found
})
