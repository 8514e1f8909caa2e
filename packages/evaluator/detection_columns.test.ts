import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { columnsFromJson } from "./json_fixtures.ts"
import { addImageDetections, emptyDetections, evaluateBoxes, toDetections } from "./mod.ts"

const { gt } = columnsFromJson(
  {
    images: [{ id: 10 }, { id: 20 }],
    categories: [{ id: 1 }, { id: 2 }],
    annotations: [
      { id: 1, image_id: 10, category_id: 1, bbox: [0, 0, 50, 50] },
      { id: 2, image_id: 20, category_id: 2, bbox: [10, 20, 40, 30] },
    ],
  },
  [],
)

/** One image's xyxy detections with category rows, as inference merges them. */
function inference(boxes: number[], scores: number[], categories: number[]) {
  return {
    count: scores.length,
    boxes: Float64Array.from(boxes),
    scores: Float64Array.from(scores),
    categories: Int32Array.from(categories),
  }
}

describe("toDetections()", () => {
  it.effect("collects merged detections per image with Stream.runFold, as xywh columns", () =>
    Effect.gen(function* () {
      const perImage = [
        { row: 0, detections: inference([0, 0, 50, 50], [0.9], [0]) },
        { row: 1, detections: inference([10, 20, 50, 50, 100, 100, 120, 120], [0.8, 0.3], [1, 1]) },
      ]
      const acc = yield* Stream.runFold(Stream.fromIterable(perImage), emptyDetections, addImageDetections)
      const dt = toDetections(acc)
      assert.deepStrictEqual([...dt.image], [0, 1, 1])
      assert.deepStrictEqual([...dt.category], [0, 1, 1])
      assert.deepStrictEqual([...dt.bbox.subarray(0, 8)], [0, 0, 50, 50, 10, 20, 40, 30])
      assert.deepStrictEqual(
        [...dt.score].map((s) => Math.round(s * 1e6) / 1e6),
        [0.9, 0.8, 0.3],
      )
      // both objects found first in their category: AP 1
      assert.closeTo(evaluateBoxes(gt, dt).stats[0], 1, 1e-12)
    }),
  )

  it("refuses an image row that is not a row", () => {
    assert.throws(
      () => addImageDetections(emptyDetections(), { row: -1, detections: inference([], [], []) }),
      /image row/,
    )
  })
})
