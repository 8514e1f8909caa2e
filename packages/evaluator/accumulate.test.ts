import { assert, describe, it } from "@effect/vitest"
import { accumulate } from "./accumulate.ts"
import { FALSE_POSITIVE as FP, IGNORED as IG, type Matches, MIXED, TRUE_POSITIVE as TP } from "./match_detections.ts"
import type { CocoParams } from "./params.ts"

// a small grid: IoU .5 and .75, recall 0, .5, 1, one area range, caps 1 and 3
const params: CocoParams = {
  iouThresholds: Float64Array.of(0.5, 0.75),
  recallThresholds: Float64Array.of(0, 0.5, 1),
  areaRanges: [[0, 1e10]],
  areaLabels: ["all"],
  maxDets: [1, 3],
}

/**
 * Category 0 has 2 objects and four kept detections in slot order: a hit (rank 0, .6), a miss (rank 1, .9), one
 * found at IoU .5 only (rank 0 in another image, .7), an ignored one (rank 2, .8). Category 1 has no objects.
 */
const matches: Matches = {
  count: 4,
  detection: Int32Array.of(0, 1, 2, 3),
  category: Int32Array.of(0, 0, 0, 0),
  rank: Int32Array.of(0, 1, 0, 2),
  score: Float64Array.of(0.6, 0.9, 0.7, 0.8),
  outcome: Uint8Array.of(TP, TP, 0, 0, TP, FP, 0, 0),
  uniform: Uint8Array.of(TP, FP, MIXED, IG),
  positives: Int32Array.of(2, 0),
}

describe("accumulate()", () => {
  const acc = accumulate(matches, params, 2)
  // precision and scores at [t][r][k][a][m], recall at [t][k][a][m]; K = 2, A = 1, M = 2
  const p = (t: number, r: number, m: number) => acc.precision[((t * 3 + r) * 2 + 0) * 2 + m]
  const s = (t: number, r: number, m: number) => acc.scores[((t * 3 + r) * 2 + 0) * 2 + m]
  const rc = (t: number, m: number) => acc.recall[(t * 2 + 0) * 2 + m]

  it("accumulate() interpolates precision at each recall threshold, as pycocotools", () => {
    // cap 3, IoU .5, by score: miss .9, ignored .8, hit .7 (rc .5, pr 1/2), hit .6 (rc 1, pr 2/3): envelope 2/3
    assert.deepStrictEqual(acc.shape, { T: 2, R: 3, K: 2, A: 1, M: 2 })
    assert.closeTo(rc(0, 1), 1, 1e-12)
    for (let r = 0; r < 3; r++) assert.closeTo(p(0, r, 1), 2 / 3, 1e-12)
    // the score where each threshold is reached: recall 0 at the first detection
    assert.deepStrictEqual([s(0, 0, 1), s(0, 1, 1), s(0, 2, 1)], [0.9, 0.7, 0.6])
    // IoU .75: misses .9 and .7, hit .6 (rc .5, pr 1/3); recall 1 never reached
    assert.closeTo(rc(1, 1), 0.5, 1e-12)
    assert.deepStrictEqual(
      [p(1, 0, 1), p(1, 1, 1), p(1, 2, 1)].map((x) => Math.round(x * 1e9) / 1e9),
      [0.333333333, 0.333333333, 0],
    )
    assert.deepStrictEqual([s(1, 0, 1), s(1, 1, 1), s(1, 2, 1)], [0.9, 0.6, 0])
  })

  it("accumulate() keeps only the first `cap` detections of each image and category", () => {
    // cap 1: rank 0 only, the .7 and .6 detections: at IoU .5 both hits, at .75 a miss then a hit
    assert.closeTo(rc(0, 0), 1, 1e-12)
    for (let r = 0; r < 3; r++) assert.closeTo(p(0, r, 0), 1, 1e-12)
    assert.deepStrictEqual([s(0, 0, 0), s(0, 1, 0), s(0, 2, 0)], [0.7, 0.7, 0.6])
    assert.closeTo(rc(1, 0), 0.5, 1e-12)
    assert.deepStrictEqual(
      [p(1, 0, 0), p(1, 1, 0), p(1, 2, 0)].map((x) => Math.round(x * 1e9) / 1e9),
      [0.5, 0.5, 0],
    )
  })

  it("accumulate() leaves -1 for a category without objects, and 0 where objects have no detection", () => {
    for (let t = 0; t < 2; t++) {
      for (let m = 0; m < 2; m++) {
        assert.strictEqual(acc.recall[(t * 2 + 1) * 2 + m], -1)
        for (let r = 0; r < 3; r++) assert.strictEqual(acc.precision[((t * 3 + r) * 2 + 1) * 2 + m], -1)
      }
    }
    const none = accumulate(
      {
        ...matches,
        count: 0,
        detection: new Int32Array(0),
        category: new Int32Array(0),
        rank: new Int32Array(0),
        score: new Float64Array(0),
        outcome: new Uint8Array(0),
        uniform: new Uint8Array(0),
      },
      params,
      2,
    )
    assert.deepStrictEqual([...none.recall], [0, 0, -1, -1, 0, 0, -1, -1])
    assert.deepStrictEqual([...none.precision.subarray(0, 4)], [0, 0, -1, -1])
  })
})
