import { assert, describe, it } from "@effect/vitest"
import { renderSvg } from "@sniper/evaluator"
import { Effect } from "effect"
import type { ExperimentSummary, Spread } from "./summary.ts"
import { apBySizeSpec, apVsPixelsSpec } from "./summary_plots.ts"

const at = (mean: number, std = 0): Spread => ({ mean, std })

function arm(name: string, ap: number, inputPixels: number) {
  return {
    arm: name,
    label: `arm ${name}`,
    seeds: [1, 2],
    chipSize: 128,
    AP: at(ap, 0.01),
    AP50: at(2 * ap),
    AP75: at(ap / 2),
    APs: at(ap / 2, 0.02),
    APm: at(ap),
    APl: at(-1),
    inputPixels: at(inputPixels),
    imagePixels: at(inputPixels / 2),
    chips: at(100),
    epochs: at(3),
    steps: at(25),
    wallSeconds: at(60),
    rpnStageInputPixels: at(0),
  }
}

const summary: ExperimentSummary = {
  experiment: "toy",
  question: "?",
  data: { images: 10, seed: 1, valFraction: 0.4, longSide: [128, 192] },
  budget: { unit: "chips", like: "a", epochs: 1 },
  arms: [arm("a", 0.2, 4e7), arm("b", 0.3, 9e7)],
}

describe("apVsPixelsSpec() and apBySizeSpec()", () => {
  it("put one point an arm in each pixel panel, with its error bar", () => {
    const values = (apVsPixelsSpec(summary) as { data: { values: Array<Record<string, unknown>> } }).data.values
    const rounded = values.map((v) =>
      Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "number" ? Math.round(x * 1e9) / 1e9 : x])),
    )
    assert.deepStrictEqual(rounded[0], {
      arm: "arm a",
      pixels: "network input pixels",
      mpx: 40,
      ap: 0.2,
      lo: 0.19,
      hi: 0.21,
    })
    assert.deepStrictEqual(rounded[1], { arm: "arm a", pixels: "image pixels", mpx: 20, ap: 0.2, lo: 0.19, hi: 0.21 })
    assert.strictEqual(values.length, 4)
  })
  it("leave out sizes without objects (pycocotools' -1)", () => {
    const values = (apBySizeSpec(summary) as { data: { values: Array<Record<string, unknown>> } }).data.values
    assert.deepStrictEqual(
      values.map((v) => [v.arm, v.size]),
      [
        ["arm a", "small (< 32² px)"],
        ["arm a", "medium"],
        ["arm b", "small (< 32² px)"],
        ["arm b", "medium"],
      ],
    )
  })
  it.effect("render to SVG naming every arm", () =>
    Effect.gen(function* () {
      for (const spec of [apVsPixelsSpec(summary), apBySizeSpec(summary)]) {
        const svg = yield* renderSvg(spec)
        assert.isTrue(svg.startsWith("<svg"), svg.slice(0, 40))
        for (const label of ["arm a", "arm b"]) assert.include(svg, label)
        assert.notInclude(svg, "NaN")
      }
    }),
  )
})
