/**
 * The run's annotations, loaded and checked before the first step: a run that would train on nothing (no images,
 * no boxes, a missing image folder) or evaluate on a val split of other categories fails now, not hours later.
 */
import { existsSync, statSync } from "node:fs"
import { type Dataset, loadDataset } from "@sniper/coco-io"
import { Effect } from "effect"
import type { TrainConfig } from "./config.ts"
import type { RunData } from "./data.ts"
import { InvalidTrainConfig, NoTrainingData } from "./errors.ts"

/** The loaded splits of a run. */
export interface RunDatasets {
  readonly train: Dataset
  readonly val: Dataset | undefined
}

/** Boxes a detector learns from: annotations that are not crowd regions. */
function boxCount(dataset: Dataset): number {
  let n = 0
  for (let i = 0; i < dataset.annotations.count; i++) n += dataset.annotations.iscrowd[i] === 0 ? 1 : 0
  return n
}

/** Why two data sets' categories differ (ids and names, in id order), or undefined when they agree. */
export function categoryMismatch(train: Dataset, val: Dataset): string | undefined {
  const list = (d: Dataset) => Array.from(d.categories.id, (id, i) => `${id} ${JSON.stringify(d.categories.name[i])}`)
  const a = list(train)
  const b = list(val)
  if (a.length !== b.length) return `has ${b.length} categories, the training annotations ${a.length}`
  const at = a.findIndex((c, i) => c !== b[i])
  return at < 0 ? undefined : `has category ${b[at]} where the training annotations have ${a[at]}`
}

/**
 * Loads the train split (and val, when the run has one) and checks that there is something to train on: images,
 * non-crowd boxes, an image folder, `detector.numClasses` equal to the categories; and that val's categories are
 * train's.
 */
export const loadRunData = Effect.fn("loadRunData")(function* (data: RunData, config: TrainConfig) {
  const train = yield* loadDataset(data.train.annotations)
  const source = data.train.annotations
  if (train.images.count === 0) return yield* new NoTrainingData({ source, reason: "it lists no images" })
  if (boxCount(train) === 0) {
    return yield* new NoTrainingData({
      source,
      reason: `its ${train.images.count} images have no boxes (no annotation that is not a crowd region)`,
    })
  }
  if (!existsSync(data.train.images) || !statSync(data.train.images).isDirectory()) {
    return yield* new NoTrainingData({
      source: data.train.images,
      reason: "the training image folder does not exist; check data.train.images",
    })
  }
  if (train.categories.count !== config.detector.numClasses) {
    return yield* new InvalidTrainConfig({
      field: "detector.numClasses",
      problem: `must equal the ${train.categories.count} categories of "${source}", got ${config.detector.numClasses}`,
    })
  }
  if (data.val === undefined) return { train, val: undefined } satisfies RunDatasets
  const val = yield* loadDataset(data.val.annotations)
  const mismatch = categoryMismatch(train, val)
  if (mismatch !== undefined) {
    return yield* new InvalidTrainConfig({
      field: "data.val.annotations",
      problem: `"${data.val.annotations}" ${mismatch}`,
    })
  }
  return { train, val } satisfies RunDatasets
})
