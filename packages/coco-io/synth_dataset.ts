import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Prng } from "@sniper/random"
import { Effect, Schema } from "effect"
import { renderScene } from "./synth_render.ts"
import { defaultSceneOptions, makeScene, type Scene, type SceneObject, type SceneOptions } from "./synth_scene.ts"
import { synthCategories } from "./synth_shapes.ts"

/** Options of the synthetic data set that cannot make one (from a config file or flags, so a failure, not a
 * defect). */
export class SynthOptionsError extends Schema.TaggedError<SynthOptionsError>()("SynthOptionsError", {
  option: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot generate data set: ${this.option} ${this.problem}`
  }
}

/** Most images a synthetic data set may have (its summary is built in memory). */
export const maxSynthImages = 1_000_000

/** A file of the synthetic data set could not be written. */
export class SynthWriteError extends Schema.TaggedError<SynthWriteError>()("SynthWriteError", {
  path: Schema.String,
  detail: Schema.String,
}) {
  override get message() {
    return `Cannot write synthetic data set file "${this.path}": ${this.detail}; check the --out folder and free space`
  }
}

export interface SynthOptions {
  /** Number of images over both splits. */
  readonly images: number
  /** Same seed, same bytes (with the same sharp/libvips build). */
  readonly seed: number
  /** Share of the images in the val split (the last ones); default 0.2. */
  readonly valFraction?: number
  /** Range of the images' long side in px, inclusive; default 480..1600. Objects scale with the image. */
  readonly longSide?: SceneOptions["longSide"]
  /** Called after each image is written. */
  readonly onProgress?: (done: number, total: number) => void
}

/** Counts of one split; `tiny` boxes have size sqrt(w h) under 16 px, `large` over half the image's short side. */
export interface SynthSplitSummary {
  readonly images: number
  readonly annotations: number
  readonly tiny: number
  readonly large: number
}

export interface SynthSummary {
  readonly out: string
  readonly seed: number
  readonly categories: ReadonlyArray<string>
  readonly train: SynthSplitSummary
  readonly val: SynthSplitSummary
  readonly bytes: number
}

/** The scene of image `index` (0-based) for `seed`: depends on nothing else (and the options). */
export function synthScene(seed: number, index: number, options: SceneOptions = defaultSceneOptions): Scene {
  return makeScene(new Prng([seed, index]), options)
}

/** Smallest long side: the short side (0.6 of it or more) must exceed 16 / 0.6 px, the range objects are drawn from. */
export const minSynthSide = 64

const r2 = (v: number) => Math.round(v * 100) / 100

/** File name of image `id` in its split folder. */
function fileName(id: number, scene: Scene): string {
  return `${String(id).padStart(6, "0")}.${scene.format}`
}

/** What the annotation files keep of a rendered scene (the pixels and polygons are dropped once written). */
interface Written {
  readonly id: number
  readonly fileName: string
  readonly width: number
  readonly height: number
  readonly objects: ReadonlyArray<{
    readonly category: number
    readonly box: SceneObject["box"]
    readonly area: number
  }>
}

function written(id: number, scene: Scene): Written {
  const objects = scene.objects.map((o) => ({ category: o.shape.category, box: o.box, area: o.area }))
  return { id, fileName: fileName(id, scene), width: scene.width, height: scene.height, objects }
}

/**
 * A COCO instances file for the written images, annotation ids counted from `firstAnnotationId`. `area` is the
 * shape's own area (occlusion not subtracted); no `segmentation` is written, to keep large sets small.
 */
function cocoJson(images: ReadonlyArray<Written>, firstAnnotationId: number) {
  let annotationId = firstAnnotationId
  return {
    info: { description: "SNIPER synthetic shapes", version: "1", year: 2026 },
    licenses: [],
    images: images.map(({ id, fileName, width, height }) => ({ id, file_name: fileName, width, height })),
    annotations: images.flatMap(({ id, objects }) =>
      objects.map(({ category, box: [x1, y1, x2, y2], area }) => ({
        id: annotationId++,
        image_id: id,
        category_id: category + 1,
        bbox: [r2(x1), r2(y1), r2(x2 - x1), r2(y2 - y1)],
        area: r2(area),
        iscrowd: 0,
      })),
    ),
    categories: synthCategories.map((name, i) => ({ id: i + 1, name, supercategory: "shape" })),
  }
}

function summarize(images: ReadonlyArray<Written>): SynthSplitSummary {
  let annotations = 0
  let tiny = 0
  let large = 0
  for (const scene of images) {
    for (const { box } of scene.objects) {
      const size = Math.sqrt((box[2] - box[0]) * (box[3] - box[1]))
      annotations++
      if (size < 16) tiny++
      if (size > 0.5 * Math.min(scene.width, scene.height)) large++
    }
  }
  return { images: images.length, annotations, tiny, large }
}

/**
 * Writes a COCO-format detection data set of rendered shapes under `out`: `annotations/instances_train.json`,
 * `annotations/instances_val.json`, `images/train/*.jpg|png`, `images/val/...`. Deterministic in `seed`.
 */
export const writeSynthDataset = Effect.fn("writeSynthDataset")(function* (out: string, options: SynthOptions) {
  const { images: total, seed } = options
  const valFraction = options.valFraction ?? 0.2
  if (!Number.isInteger(total) || total < 1 || total > maxSynthImages) {
    return yield* new SynthOptionsError({
      option: "images",
      problem: `must be an integer from 1 to ${maxSynthImages}, got ${total}`,
    })
  }
  if (!Number.isSafeInteger(seed)) {
    return yield* new SynthOptionsError({ option: "seed", problem: `must be a safe integer, got ${seed}` })
  }
  if (!(valFraction >= 0 && valFraction < 1)) {
    return yield* new SynthOptionsError({ option: "valFraction", problem: `must be in [0, 1), got ${valFraction}` })
  }
  const longSide = options.longSide ?? defaultSceneOptions.longSide
  const [shortest, longest] = longSide
  if (
    !(
      Number.isSafeInteger(shortest) &&
      Number.isSafeInteger(longest) &&
      minSynthSide <= shortest &&
      shortest <= longest
    )
  ) {
    return yield* new SynthOptionsError({
      option: "longSide",
      problem: `must be two integers min <= max, min at least ${minSynthSide}, got [${shortest}, ${longest}]`,
    })
  }
  const valCount = Math.min(total - 1, Math.round(total * valFraction))
  const write = (path: string, data: string | Uint8Array) =>
    Effect.tryPromise({
      try: () => writeFile(path, data),
      catch: (cause) => new SynthWriteError({ path, detail: cause instanceof Error ? cause.message : String(cause) }),
    })
  for (const dir of ["annotations", "images/train", "images/val"]) {
    const path = join(out, dir)
    yield* Effect.tryPromise({
      try: () => mkdir(path, { recursive: true }),
      catch: (cause) => new SynthWriteError({ path, detail: cause instanceof Error ? cause.message : String(cause) }),
    })
  }
  let done = 0
  let bytes = 0
  // Two images in flight: one builds its scene and background in JS while sharp encodes the other.
  const images = yield* Effect.forEach(
    Array.from({ length: total }, (_, index) => index),
    (index) =>
      Effect.gen(function* () {
        const scene = synthScene(seed, index, { longSide })
        const split = index < total - valCount ? "train" : "val"
        const encoded = yield* renderScene(scene)
        yield* write(join(out, "images", split, fileName(index + 1, scene)), encoded)
        bytes += encoded.length
        options.onProgress?.(++done, total)
        return written(index + 1, scene)
      }),
    { concurrency: 2 },
  )
  const train = images.slice(0, total - valCount)
  const val = images.slice(total - valCount)
  const trainJson = JSON.stringify(cocoJson(train, 1))
  const valJson = JSON.stringify(cocoJson(val, 1 + summarize(train).annotations))
  yield* write(join(out, "annotations", "instances_train.json"), trainJson)
  yield* write(join(out, "annotations", "instances_val.json"), valJson)
  return {
    out,
    seed,
    categories: [...synthCategories],
    train: summarize(train),
    val: summarize(val),
    bytes: bytes + trainJson.length + valJson.length,
  } satisfies SynthSummary
})
