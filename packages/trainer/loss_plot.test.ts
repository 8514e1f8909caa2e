import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { renderSvg } from "@sniper/evaluator"
import { Effect } from "effect"
import { XMLParser, XMLValidator } from "fast-xml-parser"
import { lossPlotSpec, thinRecords, writeLossPlot } from "./loss_plot.ts"
import type { LogRecord } from "./run_log.ts"

const record = (step: number, total: number, lr: number): LogRecord => ({
  step,
  epoch: 1,
  lr,
  total,
  rpnClass: 1,
  rpnBox: 0.5,
  roiClass: 2 - 0.2 * (step - 1),
  roiBox: 0.5,
  counts: { rpnFg: 3, rpnBg: 5, rois: 8, roiFg: 2 },
})
// steps 1..5: total 4, 3.5, 3, 2.5, 2; the rate doubles after step 2
const records = [1, 2, 3, 4, 5].map((s) => record(s, 4.5 - 0.5 * s, s <= 2 ? 0.001 : 0.002))

/** The `d` of the line path whose aria-label contains `label`. */
function pathOf(svg: string, label: string): string {
  const found: Array<string> = []
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const n of node) walk(n)
    else if (node !== null && typeof node === "object") {
      const n = node as Record<string, unknown>
      const label_ = n["@_aria-label"]
      if (typeof label_ === "string" && label_.includes(label) && typeof n["@_d"] === "string") found.push(n["@_d"])
      for (const v of Object.values(n)) walk(v)
    }
  }
  walk(new XMLParser({ ignoreAttributes: false }).parse(svg))
  assert.strictEqual(found.length, 1, label)
  return found[0]
}

describe("lossPlotSpec() rendered by renderSvg()", () => {
  it.effect("is well-formed SVG with each loss term and the rate through their known points", () =>
    Effect.gen(function* () {
      const svg = yield* renderSvg(lossPlotSpec(records, { width: 400, height: 200 }))
      assert.isTrue(XMLValidator.validate(svg) === true)
      assert.match(svg, /^<svg/)
      // x: steps 1..5 over 400 px, 100 px a step; loss y: 0..4 over 200 px (4 at the top)
      assert.strictEqual(pathOf(svg, "term: total"), "M0,0L100,25L200,50L300,75L400,100")
      assert.strictEqual(pathOf(svg, "term: rpnClass"), "M0,150L100,150L200,150L300,150L400,150")
      assert.strictEqual(pathOf(svg, "term: roiClass"), "M0,100L100,110L200,120L300,130L400,140")
      // the rate, 100 px high from 0 to 0.002: 0.001 half way up
      assert.strictEqual(pathOf(svg, "learning rate: 0.001"), "M0,50L100,50L200,0L300,0L400,0")
      for (const label of ["total", "rpnClass", "rpnBox", "roiClass", "roiBox", "learning rate", "step"])
        assert.include(svg, label)
    }),
  )

  it.effect("draws an empty run without failing", () =>
    Effect.gen(function* () {
      const svg = yield* renderSvg(lossPlotSpec([]))
      assert.isTrue(XMLValidator.validate(svg) === true)
    }),
  )
})

describe("thinRecords()", () => {
  it("keeps short runs whole and thins long ones to every k-th step, the last kept", () => {
    assert.strictEqual(thinRecords(records, 5), records)
    const long = Array.from({ length: 10 }, (_, i) => record(i + 1, 1, 1))
    assert.deepStrictEqual(
      thinRecords(long, 4).map((r) => r.step),
      [1, 4, 7, 10],
    )
    assert.deepStrictEqual(
      thinRecords(long, 3).map((r) => r.step),
      [1, 5, 10],
    )
  })
})

describe("writeLossPlot()", () => {
  it.effect("writes loss.svg in the run folder", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "trainer-plot-"))
      yield* writeLossPlot(dir, records, { title: "tiny" })
      const svg = readFileSync(join(dir, "loss.svg"), "utf8")
      assert.isTrue(XMLValidator.validate(svg) === true)
      assert.include(svg, "tiny")
    }),
  )
})
