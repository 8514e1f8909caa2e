import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { columnsFromJson } from "./json_fixtures.ts"
import { evaluateBoxes, prCurveSpec, precisionCurve, renderSvg } from "./mod.ts"

// one object, a miss then a hit at lower score: precision 0.5 at every recall threshold for every IoU threshold;
// a second category whose 0.9 box is off by 1 px in width: IoU 0.9, so a hit up to IoU 0.90, a miss at 0.95
const { gt, dt } = columnsFromJson(
  {
    images: [{ id: 1 }],
    categories: [{ id: 1 }, { id: 2 }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] },
      { id: 2, image_id: 1, category_id: 2, bbox: [0, 0, 10, 10] },
    ],
  },
  [
    { image_id: 1, category_id: 1, bbox: [50, 50, 10, 10], score: 0.9 },
    { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.8 },
    { image_id: 1, category_id: 2, bbox: [0, 0, 9, 10], score: 0.9 },
  ],
)
const result = evaluateBoxes(gt, dt)

describe("precisionCurve()", () => {
  it("precisionCurve() averages the chosen slice at each recall threshold", () => {
    const first = precisionCurve(result, result.params, { iou: 0.5, categories: [0] })
    assert.strictEqual(first.length, 101)
    assert.isTrue(first.every((p) => Math.abs(p - 0.5) < 1e-12))
    const second = precisionCurve(result, result.params, { iou: 0.95, categories: [1] })
    assert.isTrue(second.every((p) => p === 0))
    // all thresholds: category 1 found at 9 of 10 thresholds, category 0 at precision 0.5 throughout
    const mean = precisionCurve(result, result.params)
    assert.closeTo(mean[50], (10 * 0.5 + 9 * 1) / 20, 1e-12)
  })

  it("precisionCurve() refuses a slice that does not exist", () => {
    assert.throws(() => precisionCurve(result, result.params, { iou: 0.33 }), /no such slice/)
  })
})

describe("prCurveSpec() and renderSvg()", () => {
  it.effect("renderSvg() draws three curves with their legend", () =>
    Effect.gen(function* () {
      const spec = prCurveSpec(result, result.params)
      const series = new Set((spec.data as { values: Array<{ series: string }> }).values.map((v) => v.series))
      assert.deepStrictEqual([...series], ["IoU=0.50", "IoU=0.75", "IoU=0.50:0.95"])
      const svg = yield* renderSvg(spec)
      assert.match(svg, /^<svg/)
      for (const label of series) assert.include(svg, label)
      assert.isAtLeast(svg.match(/<path/g)?.length ?? 0, 3)
    }),
  )
})
