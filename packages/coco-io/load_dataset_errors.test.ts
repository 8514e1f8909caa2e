import { statSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { tempDir, tinyInstances, writeJson } from "./json_fixtures.ts"
import { type CocoError, loadDataset } from "./mod.ts"

type Tiny = ReturnType<typeof tinyInstances>

/** Loads a variant of the tiny file and returns the failure. */
function failure(edit: (file: Tiny) => unknown, options?: { allProblems?: boolean; maxProblems?: number }) {
  return Effect.gen(function* () {
    const path = writeJson(tempDir(), "bad.json", edit(tinyInstances()))
    const error: CocoError = yield* Effect.flip(loadDataset(path, options))
    return { path, error }
  })
}

function record(error: CocoError) {
  assert.strictEqual(error._tag, "CocoRecordError", error.message)
  if (error._tag !== "CocoRecordError") throw new Error("unreachable")
  return error
}

describe("loadDataset() on bad input", () => {
  it.effect("truncated JSON: the byte offset of the end, and the record it was in", () =>
    Effect.gen(function* () {
      const text = JSON.stringify(tinyInstances())
      const cut = text.indexOf('"image_id":30') + 3
      const { path, error } = yield* failure(() => text.slice(0, cut))
      assert.strictEqual(error._tag, "CocoJsonError")
      if (error._tag !== "CocoJsonError") return
      assert.strictEqual(error.offset, statSync(path).size)
      assert.strictEqual(error.path, "annotations[1]")
      assert.include(error.message, `Cannot parse "${path}" at byte ${cut}`)
      assert.include(error.message, "ends early")
    }),
  )

  it.effect("a JSON array instead of an object", () =>
    Effect.gen(function* () {
      const { error } = yield* failure((file) => [file])
      assert.strictEqual(error._tag, "CocoJsonError")
      assert.include(error.message, "at byte 0: expected a JSON object at the top level, found an array")
    }),
  )

  it.effect("a NaN box size is bad JSON, named at its byte", () =>
    Effect.gen(function* () {
      const text = JSON.stringify(tinyInstances()).replace("[10.5,20.25,30,40]", "[10.5,20.25,NaN,40]")
      const { error } = yield* failure(() => text)
      assert.strictEqual(error._tag, "CocoJsonError")
      if (error._tag !== "CocoJsonError") return
      assert.isAbove(text.indexOf("NaN"), 0)
      assert.strictEqual(error.offset, text.indexOf("NaN"))
      assert.strictEqual(error.path, "annotations[3]")
    }),
  )

  it.effect(
    "a 10 MB single-line string: fine in info, refused as a file_name with a short message",
    () =>
      Effect.gen(function* () {
        const big = "x".repeat(10 << 20)
        const dir = tempDir()
        const fine = yield* loadDataset(writeJson(dir, "info.json", { ...tinyInstances(), info: { description: big } }))
        assert.strictEqual(fine.images.count, 3)
        const { error } = yield* failure((file) => {
          file.images[1].file_name = big
          return file
        })
        const bad = record(error)
        assert.deepStrictEqual([bad.array, bad.index, bad.id, bad.field], ["images", 1, 10, "file_name"])
        assert.isBelow(bad.message.length, 300)
      }),
    30_000,
  )

  it.effect("bbox [0, 0, -5, 10]: file, array index, id and field path", () =>
    Effect.gen(function* () {
      const { path, error } = yield* failure((file) => {
        file.annotations[3].bbox = [0, 0, -5, 10]
        return file
      })
      assert.strictEqual(
        record(error).message,
        `Cannot load "${path}": annotations[3] (id 2) field bbox[2] expected a value greater than or equal to 0, got -5`,
      )
    }),
  )

  it.effect("a category id missing from categories", () =>
    Effect.gen(function* () {
      const { path, error } = yield* failure((file) => {
        file.annotations[4].category_id = 2
        return file
      })
      assert.strictEqual(
        record(error).message,
        `Cannot load "${path}": annotations[4] (id 3) field category_id names category 2, which is not in categories`,
      )
    }),
  )

  it.effect("an annotation pointing to an unknown image", () =>
    Effect.gen(function* () {
      const { error } = yield* failure((file) => {
        file.annotations[0].image_id = 11
        return file
      })
      const e = record(error)
      assert.deepStrictEqual([e.array, e.index, e.id, e.field], ["annotations", 0, 5, "image_id"])
      assert.include(e.problem, "names image 11")
    }),
  )

  it.effect("missing fields and wrong types", () =>
    Effect.gen(function* () {
      const missing = yield* failure((file) => {
        delete (file.images[2] as { width?: number }).width
        return file
      })
      assert.include(record(missing.error).message, "images[2] (id 20) field width is missing")
      const wrong = yield* failure((file) => {
        ;(file.annotations[1] as { image_id: unknown }).image_id = "30"
        return file
      })
      assert.include(record(wrong.error).message, 'annotations[1] (id 1) field image_id expected number, got "30"')
      const crowd = yield* failure((file) => {
        ;(file.annotations[1] as { iscrowd: number }).iscrowd = 2
        return file
      })
      assert.include(record(crowd.error).message, "field iscrowd expected 0 | 1, got 2")
    }),
  )

  it.effect("duplicate image, annotation and category ids name both places", () =>
    Effect.gen(function* () {
      const image = yield* failure((file) => {
        file.images[2].id = 30
        return file
      })
      assert.include(record(image.error).message, "images[2] (id 30) field id duplicates the id of images[0]")
      const annotation = yield* failure((file) => {
        file.annotations[4].id = 5
        return file
      })
      assert.include(
        record(annotation.error).message,
        "annotations[4] (id 5) field id duplicates the id of annotations[0]",
      )
      const category = yield* failure((file) => {
        file.categories[2].id = 90
        return file
      })
      assert.include(
        record(category.error).message,
        "categories[2] (id 90) field id duplicates the id of categories[0]",
      )
    }),
  )

  it.effect("a missing images array, and annotations that are not an array", () =>
    Effect.gen(function* () {
      const noImages = yield* failure(({ images: _, ...rest }) => rest)
      assert.deepStrictEqual([record(noImages.error).array, record(noImages.error).problem], ["images", "is missing"])
      const notArray = yield* failure((file) => ({ ...file, annotations: { id: 1 } }))
      assert.strictEqual(record(notArray.error).problem, "must be an array of records, got object")
    }),
  )

  it.effect("allProblems collects every problem in one report, in file order", () =>
    Effect.gen(function* () {
      const edit = (file: Tiny) => {
        delete (file.images[0] as { height?: number }).height
        file.annotations[0].bbox = [0, 0, -5, 10]
        file.annotations[3].category_id = 2
        file.annotations[4].image_id = 99
        return file
      }
      const { error } = yield* failure(edit, { allProblems: true })
      assert.strictEqual(error._tag, "CocoProblems")
      if (error._tag !== "CocoProblems") return
      assert.strictEqual(error.total, 4)
      assert.deepStrictEqual(
        error.problems.map((p) => (p._tag === "CocoRecordError" ? `${p.array}[${p.index}].${p.field}` : p._tag)),
        ["images[0].height", "annotations[0].bbox[2]", "annotations[3].category_id", "annotations[4].image_id"],
      )
      assert.include(error.message, "4 problems in")
      const capped = yield* failure(edit, { allProblems: true, maxProblems: 2 })
      assert.strictEqual(capped.error._tag === "CocoProblems" && capped.error.problems.length, 2)
      assert.strictEqual(capped.error._tag === "CocoProblems" && capped.error.total, 4)
    }),
  )

  it.effect("a file that does not exist", () =>
    Effect.gen(function* () {
      const path = join(tempDir(), "absent.json")
      const error = yield* Effect.flip(loadDataset(path))
      assert.strictEqual(error._tag, "CocoReadError")
      assert.include(error.message, `Cannot read "${path}": ENOENT`)
    }),
  )
})
