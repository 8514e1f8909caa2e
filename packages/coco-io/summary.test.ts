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
  it.effect("counts crowd regions apart from boxes and images left without any", () =>
    Effect.gen(function* () {
      const path = writeJson(tempDir(), "crowd.json", {
        images: [1, 2, 3, 4].map((id) => ({ id, width: 50, height: 50, file_name: `${id}.jpg` })),
        annotations: [
          { id: 1, image_id: 2, category_id: 7, bbox: [0, 0, 5, 5], iscrowd: 1 },
          { id: 2, image_id: 2, category_id: 7, bbox: [1, 1, 5, 5], iscrowd: 1 },
          { id: 3, image_id: 4, category_id: 3, bbox: [2, 2, 5, 5], iscrowd: 0 },
          { id: 4, image_id: 4, category_id: 3, bbox: [2, 2, 0, 5], iscrowd: 0 },
        ],
        categories: [
          { id: 7, name: "crowd only" },
          { id: 3, name: "boxes" },
          { id: 9, name: "unused" },
        ],
      })
      const summary = summarizeDataset(yield* loadDataset(path))
      // categories sorted by id: 3 (row 0), 7 (row 1), 9 (row 2); the zero-width box 4 is dropped
      assert.deepStrictEqual(
        [summary.annotations, summary.crowd, summary.zeroAreaDropped, summary.imagesWithoutAnnotations],
        [3, 2, 1, 2],
      )
      assert.deepStrictEqual(summary.boxesPerCategory, [1, 0, 0])
    }),
  )
})
