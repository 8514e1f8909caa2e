import { assert, describe, it } from "@effect/vitest"
import type { ArmSummary, ExperimentSummary } from "./summary.ts"
import { summaryTable } from "./summary_table.ts"

const one = (mean: number) => ({ mean, std: 0 })

function arm(name: string, options: { readonly rpn?: number; readonly APs?: number } = {}): ArmSummary {
  return {
    arm: name,
    label: `arm ${name}`,
    seeds: [1],
    chipSize: 128,
    AP: one(0.12345),
    AP50: one(0.5),
    AP75: one(0.0996),
    APs: one(options.APs ?? 0.01),
    APm: one(0.2),
    APl: one(-1),
    inputPixels: one(2_500_000),
    imagePixels: one(1_049_999),
    chips: one(152.4),
    epochs: one(7),
    steps: one(38),
    wallSeconds: one(93),
    rpnStageInputPixels: one(options.rpn ?? 0),
  }
}

const summary = (arms: ReadonlyArray<ArmSummary>, unit: "chips" | "inputPixels" | "imagePixels" = "chips") =>
  ({
    experiment: "toy",
    question: "Does it work?",
    data: { images: 250, seed: 11, valFraction: 0.6, longSide: [160, 256] },
    budget: { unit, like: "a", epochs: 1 },
    arms,
  }) satisfies ExperimentSummary

describe("summaryTable()", () => {
  it("writes the heading, the question, the data and budget line and one row an arm (one seed: no spread)", () => {
    const lines = summaryTable(summary([arm("a")])).split("\n")
    assert.deepStrictEqual(lines.slice(0, 3), ["# toy", "", "Does it work?"])
    // 250 images, 0.6 val: 150 val and 100 training.
    assert.match(
      lines[4],
      /^Data: 100 training and 150 val images of generated shapes, long side 160\.\.256 px \(seed 11\)\. Budget: each arm trains for the epochs whose chips come closest to those of "a" in 1 epoch\. /,
    )
    assert.strictEqual(
      lines[6],
      "| arm | seeds | AP | AP50 | AP75 | APs | APm | APl | input Mpx | image Mpx | chips | chip px | epochs | steps | wall min |",
    )
    assert.strictEqual(lines[7], `|${" --- |".repeat(15)}`)
    assert.strictEqual(
      lines[8],
      "| arm a | 1 | 0.123 | 0.500 | 0.100 | 0.010 | 0.200 | n/a | 2.5 | 1.0 | 152 | 128 | 7 | 38 | 1.6 |",
    )
    assert.deepStrictEqual(lines.slice(9), [""])
  })
  it("names the budget's unit in words", () => {
    assert.include(summaryTable(summary([arm("a")], "inputPixels")), "whose network input pixels come closest")
    assert.include(summaryTable(summary([arm("a")], "imagePixels")), "whose image pixels come closest")
  })
  it("shows the spread over several seeds, but not a zero spread of amounts", () => {
    const a: ArmSummary = {
      ...arm("a"),
      seeds: [1, 2, 3],
      AP: { mean: 0.25, std: 0.0125 },
      chips: { mean: 150, std: 0 },
      wallSeconds: { mean: 120, std: 30 },
    }
    const row = summaryTable(summary([a])).split("\n")[8]
    const cells = row.split(" | ")
    assert.strictEqual(cells[1], "3")
    assert.strictEqual(cells[2], "0.250 ± 0.013")
    // AP spread is shown even when 0.
    assert.strictEqual(cells[3], "0.500 ± 0.000")
    assert.strictEqual(cells[10], "150")
    assert.strictEqual(cells[14], "2.0 ± 0.5 |")
  })
  it("adds a note on the RPN stage's pixels for arms with negative chips only", () => {
    const text = summaryTable(summary([arm("a"), arm("b", { rpn: 3_260_000 })]))
    const lines = text.split("\n")
    assert.strictEqual(lines.filter((l) => /^\| arm [ab] \|/.test(l)).length, 2)
    assert.strictEqual(
      lines.at(-2),
      "Not in the table's pixels: the short-schedule RPN trained for negative chips' proposals, arm b 3.3 M input px.",
    )
    assert.notInclude(summaryTable(summary([arm("a")])), "short-schedule RPN")
  })
  it("writes n/a for any AP with no objects of that size", () => {
    const row = summaryTable(summary([arm("a", { APs: -1 })])).split("\n")[8]
    assert.strictEqual(row.split(" | ")[5], "n/a")
  })
})
