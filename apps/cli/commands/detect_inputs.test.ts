import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { afterAll } from "vitest"
import { groundTruthRows, listImages, pictureNames, resultsDataset } from "./detect_inputs.ts"

const made: Array<string> = []
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))))

describe("listImages()", () => {
  it.effect("takes files as given and a folder's image files sorted by name, each file once", () =>
    Effect.gen(function* () {
      const root = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "detect-inputs-")))
      made.push(root)
      const folder = join(root, "images")
      yield* Effect.promise(() => mkdir(join(folder, "sub.jpg"), { recursive: true }))
      for (const name of ["b.png", "a.JPG", "c.txt", "d.tiff", "notes.json"]) {
        yield* Effect.promise(() => writeFile(join(folder, name), ""))
      }
      const extra = join(root, "photo.heic")
      yield* Effect.promise(() => writeFile(extra, ""))
      const files = yield* listImages([extra, folder, join(folder, "b.png")])
      assert.deepStrictEqual(files, [extra, join(folder, "a.JPG"), join(folder, "b.png"), join(folder, "d.tiff")])

      const missing = yield* Effect.flip(listImages([join(root, "nope")]))
      assert.strictEqual(
        missing.message,
        `Cannot run detect: --images names "${join(root, "nope")}", which does not exist`,
      )
      const empty = join(root, "empty")
      yield* Effect.promise(() => mkdir(empty))
      const none = yield* Effect.flip(listImages([empty]))
      assert.include(none.message, "found no image files (.jpg .jpeg .png .webp .tif .tiff)")
    }),
  )
})

describe("pictureNames()", () => {
  it("names pictures after their images, .jpg for JPEGs and .png otherwise, never twice nor over an input", () => {
    const names = pictureNames(["a/x.jpg", "b/x.JPEG", "c/X.jpg", "d/x.webp", "e/x-2.jpg", "out/y.png", "z.tif"], "out")
    assert.deepStrictEqual(names, ["x.jpg", "x-2.jpg", "X-3.jpg", "x.png", "x-2-2.jpg", "y-2.png", "z.png"])
  })
})

describe("groundTruthRows()", () => {
  const dataset = {
    source: "gt.json",
    images: {
      count: 4,
      id: Float64Array.of(10, 20, 30, 40),
      width: new Int32Array(4),
      height: new Int32Array(4),
      fileName: ["a.jpg", "val/b.jpg", "train/b.jpg", "c.png"],
    },
  }
  it("matches a file_name by base name, or as the end of the file's path", () => {
    const rows = Result.getOrThrow(groundTruthRows(["/data/c.png", "/data/val/b.jpg", "a.jpg"], dataset))
    assert.deepStrictEqual(Array.from(rows), [3, 1, 0])
  })
  it("refuses a file it lacks or cannot tell apart, and two files for one image", () => {
    const message = (files: Array<string>) => {
      const result = groundTruthRows(files, dataset)
      return Result.isFailure(result) ? result.failure.message : "matched"
    }
    assert.strictEqual(
      message(["d.jpg"]),
      'Cannot run detect: --annotations "gt.json": image "d.jpg" is not in it (images are matched by file_name)',
    )
    assert.include(message(["other/b.jpg"]), 'image "other/b.jpg" is not in it')
    assert.include(message(["x/a.jpg", "y/a.jpg"]), 'images "x/a.jpg" and "y/a.jpg" both match its image 10')
  })
})

describe("resultsDataset()", () => {
  it("numbers the images 1..n for the results writer", () => {
    const categories = { count: 2, id: Int32Array.of(1, 7), name: ["a", "b"] }
    const files = [
      { file: "p.jpg", width: 10, height: 20 },
      { file: "q.jpg", width: 0, height: 0 },
    ]
    const dataset = resultsDataset(files, categories, "out/images.json")
    assert.deepStrictEqual(Array.from(dataset.images.id), [1, 2])
    assert.deepStrictEqual([dataset.imageRow(2), dataset.imageRow(3), dataset.imageRow(0)], [1, -1, -1])
    assert.deepStrictEqual([dataset.categoryRow(7), dataset.categoryRow(2)], [1, -1])
    assert.deepStrictEqual(Array.from(dataset.imageStart), [0, 0, 0])
  })
})
