import { assert, describe, it } from "@effect/vitest"
import { columnsFromJson } from "./json_fixtures.ts"
import { FALSE_POSITIVE as FP, IGNORED as IG, MIXED, matchDetections, TRUE_POSITIVE as TP } from "./match_detections.ts"
import { cocoBboxParams } from "./params.ts"
import type { JsonBox } from "./straightforward_eval_fixtures.ts"

const gtBox = (id: number, image_id: number, category_id: number, bbox: number[], area: number, iscrowd = 0) => ({
  id,
  image_id,
  category_id,
  bbox,
  area,
  iscrowd,
})
const det = (image_id: number, category_id: number, bbox: number[], score: number): JsonBox => ({
  image_id,
  category_id,
  bbox,
  score,
})

describe("matchDetections()", () => {
  // image 9 (row 0) and image 2 (row 1); category 1 (row 0) and 5 (row 1)
  const gt = {
    images: [{ id: 9 }, { id: 2 }],
    categories: [{ id: 5 }, { id: 1 }],
    annotations: [
      gtBox(1, 2, 1, [0, 0, 10, 10], 100),
      gtBox(2, 2, 1, [50, 50, 0, 10], 0), // zero width: a small object nothing can match
      gtBox(3, 2, 1, [100, 100, 50, 50], 2500, 1), // crowd
      gtBox(4, 9, 5, [0, 0, 40, 40], 1600), // medium
    ],
  }
  const dts = [
    det(9, 5, [0, 0, 40, 40], 0.5), // the medium object exactly
    det(2, 1, [0, 0, 10, 12], 0.9), // IoU 100/120 = .833 with the 10x10 object: found up to IoU .80
    det(2, 1, [110, 110, 10, 10], 0.8), // inside the crowd region (IoU 1 as intersection over its own area)
    det(2, 1, [50, 50, 0, 10], 0.95), // on the zero-width object: IoU 0
  ]

  it("matchDetections() orders slots by image id, category, score and codes every area range", () => {
    const { gt: g, dt } = columnsFromJson(gt, dts)
    const m = matchDetections(g, dt, cocoBboxParams)
    assert.strictEqual(m.count, 4)
    // image 2 first (lower id), its detections by score; then image 9
    assert.deepStrictEqual([...m.detection], [3, 1, 2, 0])
    assert.deepStrictEqual([...m.category], [0, 0, 0, 1])
    assert.deepStrictEqual([...m.rank], [0, 1, 2, 0])
    assert.deepStrictEqual([...m.score], [0.95, 0.9, 0.8, 0.5])
    // per slot: all, small, medium, large
    assert.deepStrictEqual([...m.uniform], [FP, FP, IG, IG, MIXED, MIXED, IG, IG, IG, IG, IG, IG, TP, IG, TP, IG])
    // slot 1 in "all": found at .50 .. .80, missed at .85 .. .95
    assert.deepStrictEqual([...m.outcome.subarray(40, 50)], [TP, TP, TP, TP, TP, TP, TP, FP, FP, FP])
    // category 1: the 10x10 and the zero-width object count (all, small), the crowd never; category 5: medium
    assert.deepStrictEqual([...m.positives], [2, 2, 0, 0, 1, 0, 1, 0])
  })

  it("matchDetections() gives an object to the higher score, leaving a better box the next threshold", () => {
    const one = { images: [{ id: 1 }], categories: [{ id: 1 }], annotations: [gtBox(1, 1, 1, [0, 0, 10, 10], 100)] }
    // the .9 box (IoU .9) takes the object up to IoU .9; the exact .8 box only where the first fails, at .95
    const { gt: g, dt } = columnsFromJson(one, [det(1, 1, [0, 0, 10, 10], 0.8), det(1, 1, [0, 0, 10, 9], 0.9)])
    const m = matchDetections(g, dt, cocoBboxParams)
    assert.deepStrictEqual([...m.detection], [1, 0])
    assert.deepStrictEqual([m.uniform[0], m.uniform[4]], [MIXED, MIXED])
    assert.deepStrictEqual([...m.outcome.subarray(0, 10)], [TP, TP, TP, TP, TP, TP, TP, TP, TP, FP])
    assert.deepStrictEqual([...m.outcome.subarray(40, 50)], [FP, FP, FP, FP, FP, FP, FP, FP, FP, TP])
  })

  it("matchDetections() keeps the best max(maxDets) of an image and category, ties in file order", () => {
    const one = { images: [{ id: 1 }], categories: [{ id: 1 }], annotations: [] }
    const boxes = [0.3, 0.7, 0.5, 0.7, 0.9].map((s, i) => det(1, 1, [i * 20, 0, 10, 10], s))
    const { gt: g, dt } = columnsFromJson(one, boxes)
    const m = matchDetections(g, dt, { ...cocoBboxParams, maxDets: [1, 3] })
    assert.deepStrictEqual([...m.detection], [4, 1, 3])
    assert.deepStrictEqual([...m.rank], [0, 1, 2])
    // no ground truth: misses in every range they fall in (10x10 is small), no positives
    assert.deepStrictEqual([...m.uniform.subarray(0, 4)], [FP, FP, IG, IG])
    assert.deepStrictEqual([...m.positives], [0, 0, 0, 0])
  })
})
