import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { writeSynthDataset } from "@sniper/coco-io"
import { Effect } from "effect"
import type { TrainConfig } from "./config.ts"
import { writeFileAtomic } from "./run_dir.ts"

/** The files a run reads: each split's instances file and image folder. */
export interface RunData {
  readonly train: { readonly annotations: string; readonly images: string }
  readonly val: { readonly annotations: string; readonly images: string } | undefined
}

/**
 * The run's data: the configured files, or else the embedded synthetic data set in `dataDir`, generated on
 * first use and reused while its recipe (image count, seed, val share, sizes) is unchanged.
 */
export const resolveData = Effect.fn("resolveData")(function* (config: TrainConfig, dataDir: string) {
  if (config.data.train !== undefined) return { train: config.data.train, val: config.data.val } satisfies RunData
  const recipe = JSON.stringify(config.data.synthetic)
  const marker = join(dataDir, "synth.json")
  const fresh = existsSync(marker) && readFileSync(marker, "utf8") === recipe
  if (!fresh) {
    const { images, seed, valFraction, longSide } = config.data.synthetic
    yield* Effect.logInfo(`generating the synthetic data set (${images} images, seed ${seed}) in ${dataDir}`)
    const summary = yield* writeSynthDataset(dataDir, { images, seed, valFraction, longSide })
    yield* Effect.logInfo(
      `data set: ${summary.train.images} train images (${summary.train.annotations} boxes), ${summary.val.images} val images (${summary.val.annotations} boxes)`,
    )
    yield* writeFileAtomic(marker, recipe)
  }
  return {
    train: {
      annotations: join(dataDir, "annotations", "instances_train.json"),
      images: join(dataDir, "images", "train"),
    },
    val: { annotations: join(dataDir, "annotations", "instances_val.json"), images: join(dataDir, "images", "val") },
  } satisfies RunData
})
