import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { writeSynthDataset } from "@sniper/coco-io"
import { Effect } from "effect"
import type { SynthRecipe } from "./experiment.ts"
import { writeText } from "./results_files.ts"

/** A split's COCO instances file and image folder, absolute paths (as a training config names them). */
export interface Split {
  readonly annotations: string
  readonly images: string
}

/** The experiment's generated data set. */
export interface PreparedData {
  readonly dir: string
  readonly recipe: SynthRecipe
  readonly train: Split
  readonly val: Split
}

/**
 * The data set of `recipe` in `dir`: generated there the first time (coco-io's `writeSynthDataset`, identical
 * bytes for a recipe), reused while `recipe.json` records the same recipe; written last, so an interrupted
 * generation starts again.
 */
export const prepareData = Effect.fn("prepareData")(function* (dir: string, recipe: SynthRecipe) {
  const root = resolve(dir)
  const marker = join(root, "recipe.json")
  const text = `${JSON.stringify(recipe)}\n`
  if (!(existsSync(marker) && readFileSync(marker, "utf8") === text)) {
    yield* Effect.logInfo(
      `generating the data set: ${recipe.images} images of ${recipe.longSide[0]}..${recipe.longSide[1]} px, seed ${recipe.seed}, in ${root}`,
    )
    const summary = yield* writeSynthDataset(root, recipe)
    yield* Effect.logInfo(
      `data set: ${summary.train.images} train images (${summary.train.annotations} boxes, ${summary.train.tiny} under 16 px), ${summary.val.images} val images (${summary.val.annotations} boxes)`,
    )
    yield* writeText(marker, text)
  }
  const split = (name: string): Split => ({
    annotations: join(root, "annotations", `instances_${name}.json`),
    images: join(root, "images", name),
  })
  return { dir: root, recipe, train: split("train"), val: split("val") } satisfies PreparedData
})
