import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { testDataset } from "./_test_dataset.ts"
import { proposalsByImageId, proposalsFromDetections } from "./proposals.ts"

const dataset = testDataset(
  [
    [5, 100, 100],
    [9, 100, 100],
  ],
  [],
)

describe("proposalsByImageId()", () => {
  it.effect("groups proposals by image row, keeping their order within an image", () =>
    Effect.gen(function* () {
      const p = yield* proposalsByImageId(dataset, {
        imageId: [9, 5, 9],
        bbox: new Float64Array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]),
        source: "p.json",
      })
      assert.deepStrictEqual(Array.from(p.start), [0, 1, 3])
      assert.deepStrictEqual(Array.from(p.bbox), [2, 2, 2, 2, 1, 1, 1, 1, 3, 3, 3, 3])
    }),
  )
  it.effect("fails with UnknownProposalImage for an image id the data set lacks", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        proposalsByImageId(dataset, { imageId: [5, 77], bbox: new Float64Array(8), source: "p.json" }),
      )
      assert.strictEqual(error._tag, "UnknownProposalImage")
      assert.include(error.message, "image 77")
      assert.include(error.message, "p.json")
    }),
  )
})

describe("proposalsFromDetections()", () => {
  it("groups detections read against the data set", () => {
    const p = proposalsFromDetections(
      dataset,
      {
        count: 2,
        image: Int32Array.of(1, 1),
        category: new Int32Array(2),
        bbox: new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]),
        score: new Float64Array(2),
      },
      "d.json",
    )
    assert.deepStrictEqual(Array.from(p.start), [0, 0, 2])
  })
})
