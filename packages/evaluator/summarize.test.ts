import { assert, describe, it } from "@effect/vitest"
import type { Accumulated } from "./accumulate.ts"
import type { CocoParams } from "./params.ts"
import { formatStats, summarize, summaryStat } from "./summarize.ts"

const params: CocoParams = {
  iouThresholds: Float64Array.of(0.5, 0.75),
  recallThresholds: Float64Array.of(0, 1),
  areaRanges: [[0, 1e10]],
  areaLabels: ["all"],
  maxDets: [100],
}

// T = 2, R = 2, K = 2, A = 1, M = 1: precision at [t][r][k], recall at [t][k]; category 1 lacks objects at IoU .75
const acc: Accumulated = {
  shape: { T: 2, R: 2, K: 2, A: 1, M: 1 },
  precision: Float64Array.of(1, 0.5, 0.5, 0.25, 0.2, -1, 0.4, -1),
  recall: Float64Array.of(1, 0.5, 0.6, -1),
  scores: new Float64Array(8),
}

describe("summaryStat()", () => {
  it("summaryStat() averages the entries above -1 of the chosen slice", () => {
    // AP over both thresholds: (1 + .5 + .5 + .25 + .2 + .4) / 6
    assert.closeTo(summaryStat(acc, params, { ap: true, area: "all", maxDets: 100 }), 2.85 / 6, 1e-15)
    assert.closeTo(summaryStat(acc, params, { ap: true, iou: 0.5, area: "all", maxDets: 100 }), 2.25 / 4, 1e-15)
    assert.closeTo(summaryStat(acc, params, { ap: true, iou: 0.75, area: "all", maxDets: 100 }), 0.3, 1e-15)
    assert.closeTo(summaryStat(acc, params, { ap: false, area: "all", maxDets: 100 }), 2.1 / 3, 1e-15)
    // one category, and one whose slice is all -1
    assert.closeTo(summaryStat(acc, params, { ap: true, area: "all", maxDets: 100, categories: [1] }), 0.75 / 2, 1e-15)
    assert.strictEqual(
      summaryStat(acc, params, { ap: false, iou: 0.75, area: "all", maxDets: 100, categories: [1] }),
      -1,
    )
  })

  it("summaryStat() gives -1 for a slice the parameters lack", () => {
    assert.strictEqual(summaryStat(acc, params, { ap: true, area: "small", maxDets: 100 }), -1)
    assert.strictEqual(summaryStat(acc, params, { ap: true, area: "all", maxDets: 10 }), -1)
    assert.strictEqual(summaryStat(acc, params, { ap: true, iou: 0.6, area: "all", maxDets: 100 }), -1)
    // pycocotools' 12 numbers on this grid: only AP, AP50, AP75 and AR@100 exist here
    const stats = [...summarize(acc, params)].map((x) => Math.round(x * 1e12) / 1e12)
    assert.deepStrictEqual(stats, [0.475, 0.5625, 0.3, -1, -1, -1, -1, -1, 0.7, -1, -1, -1])
  })
})

describe("formatStats()", () => {
  it("formatStats() prints pycocotools' 12 lines", () => {
    const lines = formatStats([0.0625, 0.5, 0.3, -1, -1, -1, -1, -1, 0.7, -1, -1, -1], params).split("\n")
    assert.strictEqual(lines.length, 12)
    assert.strictEqual(lines[0], " Average Precision  (AP) @[ IoU=0.50:0.75 | area=   all | maxDets=100 ] = 0.062")
    assert.strictEqual(lines[1], " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.500")
    assert.strictEqual(lines[6], " Average Recall     (AR) @[ IoU=0.50:0.75 | area=   all | maxDets=  1 ] = -1.000")
    assert.strictEqual(lines[10], " Average Recall     (AR) @[ IoU=0.50:0.75 | area=medium | maxDets=100 ] = -1.000")
  })
})
