import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { RunData } from "./data.ts"
import { loadRunData } from "./run_data.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

const categories = [
  { id: 1, name: "circle" },
  { id: 4, name: "square" },
]
const images = [
  { id: 10, width: 64, height: 48, file_name: "a.png" },
  { id: 11, width: 64, height: 48, file_name: "b.png" },
]
const box = (id: number, image: number, iscrowd = 0) => ({
  id,
  image_id: image,
  category_id: 1,
  bbox: [1, 2, 10, 12],
  area: 120,
  iscrowd,
})
const config = tinyTrainConfig({ detector: { ...tinyTrainConfig().detector, numClasses: 2 } })

/** A data folder with an image folder and the given train (and val) instances. */
function dataOf(train: object, val?: object | string): RunData {
  const dir = mkdtempSync(join(tmpdir(), "trainer-run-data-"))
  mkdirSync(join(dir, "images"))
  writeFileSync(join(dir, "train.json"), JSON.stringify(train))
  if (val !== undefined) writeFileSync(join(dir, "val.json"), typeof val === "string" ? val : JSON.stringify(val))
  const images = join(dir, "images")
  return {
    train: { annotations: join(dir, "train.json"), images },
    val: val === undefined ? undefined : { annotations: join(dir, "val.json"), images },
  }
}

describe("loadRunData()", () => {
  it.effect("loads train and val when there is something to train on and their categories agree", () =>
    Effect.gen(function* () {
      const data = dataOf({ images, annotations: [box(1, 10)], categories }, { images, annotations: [], categories })
      const { train, val } = yield* loadRunData(data, config)
      assert.strictEqual(train.images.count, 2)
      assert.strictEqual(val?.images.count, 2)
      const noVal = yield* loadRunData(dataOf({ images, annotations: [box(1, 10)], categories }), config)
      assert.isUndefined(noVal.val)
    }),
  )

  it.effect("refuses annotations without images or without boxes (crowd regions are no boxes)", () =>
    Effect.gen(function* () {
      const empty = dataOf({ images: [], annotations: [], categories })
      const noImages = yield* loadRunData(empty, config).pipe(Effect.flip)
      assert.strictEqual(noImages._tag, "NoTrainingData")
      assert.strictEqual(noImages.message, `Cannot train on "${empty.train.annotations}": it lists no images`)
      const crowd = dataOf({ images, annotations: [box(1, 10, 1)], categories })
      const noBoxes = yield* loadRunData(crowd, config).pipe(Effect.flip)
      assert.strictEqual(noBoxes._tag, "NoTrainingData")
      assert.include(noBoxes.message, "its 2 images have no boxes (no annotation that is not a crowd region)")
    }),
  )

  it.effect("refuses a misspelled image folder before anything is decoded", () =>
    Effect.gen(function* () {
      const data = dataOf({ images, annotations: [box(1, 10)], categories })
      const typo = { ...data, train: { ...data.train, images: `${data.train.images}x` } }
      const error = yield* loadRunData(typo, config).pipe(Effect.flip)
      assert.strictEqual(error._tag, "NoTrainingData")
      assert.strictEqual(
        error.message,
        `Cannot train on "${typo.train.images}": the training image folder does not exist; check data.train.images`,
      )
    }),
  )

  it.effect("names detector.numClasses when it is not the number of categories", () =>
    Effect.gen(function* () {
      const data = dataOf({ images, annotations: [box(1, 10)], categories })
      const error = yield* loadRunData(data, tinyTrainConfig({ detector: { ...config.detector, numClasses: 3 } })).pipe(
        Effect.flip,
      )
      assert.strictEqual(error._tag, "InvalidTrainConfig")
      assert.include(
        error.message,
        `detector.numClasses must equal the 2 categories of "${data.train.annotations}", got 3`,
      )
    }),
  )

  it.effect("checks the val annotations before training: readable, and the same categories as train", () =>
    Effect.gen(function* () {
      const train = { images, annotations: [box(1, 10)], categories }
      const renamed = dataOf(train, { images, annotations: [], categories: [categories[0], { id: 4, name: "box" }] })
      const name = yield* loadRunData(renamed, config).pipe(Effect.flip)
      assert.strictEqual(name._tag, "InvalidTrainConfig")
      assert.include(
        name.message,
        `data.val.annotations "${renamed.val?.annotations}" has category 4 "box" where the training annotations have 4 "square"`,
      )
      const fewer = dataOf(train, { images, annotations: [], categories: [categories[0]] })
      assert.include(
        (yield* loadRunData(fewer, config).pipe(Effect.flip)).message,
        "has 1 categories, the training annotations 2",
      )
      const broken = dataOf(train, '{"images": [')
      const error = yield* loadRunData(broken, config).pipe(Effect.flip)
      assert.strictEqual(error._tag, "CocoJsonError")
      assert.include(error.message, broken.val?.annotations ?? "?")
    }),
  )
})
