import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { imageRefOf } from "./image_ref.ts"
import { tempDir, tinyInstances, writeJson } from "./json_fixtures.ts"
import { loadDataset } from "./load_dataset.ts"

describe("imageRefOf()", () => {
  it.effect("gives the id, file name and size of an image row", () =>
    Effect.gen(function* () {
      const dataset = yield* loadDataset(writeJson(tempDir(), "tiny.json", tinyInstances()))
      // rows keep file order: 30 (c.jpg, 640 x 480), 10 (a.jpg, 100 x 200), 20 (b.jpg, 300 x 300)
      assert.deepStrictEqual(imageRefOf(dataset, 1), { imageId: 10, fileName: "a.jpg", width: 100, height: 200 })
      assert.deepStrictEqual(imageRefOf(dataset, 2), { imageId: 20, fileName: "b.jpg", width: 300, height: 300 })
      for (const row of [3, -1, 0.5]) {
        assert.throws(() => imageRefOf(dataset, row), RangeError, `row must be in [0, 3), current value is ${row}`)
      }
    }),
  )
})
