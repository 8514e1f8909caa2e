import { existsSync, readFileSync } from "node:fs"
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { writeSynthDataset } from "@sniper/coco-io"
import { Effect } from "effect"
import type { TrainConfig } from "./config.ts"
import { RunFileError } from "./errors.ts"

/** The files a run reads: each split's instances file and image folder. */
export interface RunData {
  readonly train: { readonly annotations: string; readonly images: string }
  readonly val: { readonly annotations: string; readonly images: string } | undefined
}

/**
 * The run's data: the configured files, or else the embedded synthetic data set in `dataDir`, generated on
 * first use and reused while its recipe (image count, seed, val share) is unchanged.
 */
export const resolveData = Effect.fn("resolveData")(function* (
  config: TrainConfig,
  dataDir: string,
  log: (line: string) => Effect.Effect<void>,
) {
  if (config.data.train !== undefined) return { train: config.data.train, val: config.data.val } satisfies RunData
  const recipe = JSON.stringify(config.data.synthetic)
  const marker = join(dataDir, "synth.json")
  const fresh = existsSync(marker) && readFileSync(marker, "utf8") === recipe
  if (!fresh) {
    const { images, seed, valFraction } = config.data.synthetic
    yield* log(`generating the synthetic data set (${images} images, seed ${seed}) in ${dataDir}`)
    const summary = yield* writeSynthDataset(dataDir, { images, seed, valFraction })
    yield* log(
      `data set: ${summary.train.images} train images (${summary.train.annotations} boxes), ${summary.val.images} val images (${summary.val.annotations} boxes)`,
    )
    yield* Effect.tryPromise({
      try: () => writeFile(marker, recipe),
      catch: (cause) => new RunFileError({ path: marker, problem: String(cause) }),
    })
  }
  return {
    train: {
      annotations: join(dataDir, "annotations", "instances_train.json"),
      images: join(dataDir, "images", "train"),
    },
    val: { annotations: join(dataDir, "annotations", "instances_val.json"), images: join(dataDir, "images", "val") },
  } satisfies RunData
})
