import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { tempDir, tinyInstances, writeJson } from "./json_fixtures.ts"
import { loadDataset, summarizeDataset } from "./mod.ts"

describe("summarizeDataset()", () => {
  it.effect("counts a hand-made file", () =>
    Effect.gen(function* () {
      const path = writeJson(tempDir(), "tiny.json", tinyInstances())
      const summary = summarizeDataset(yield* loadDataset(path))
      // 5 annotations, one of zero width dropped; id 1 is crowd; image 20 has none.
      // Non-crowd boxes: person (row 0) none, dog (row 1) ids 5 and 3, toothbrush (row 2) id 2.
      assert.deepStrictEqual(summary, {
        file: path,
        images: 3,
        categories: 3,
        annotations: 4,
        crowd: 1,
        zeroAreaDropped: 1,
        imagesWithoutAnnotations: 1,
        boxesPerCategory: [0, 2, 1],
      })
    }),
  )
})
