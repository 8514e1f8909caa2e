import { assert, describe, it } from "@effect/vitest"
import type { ArmRecord } from "./arm_record.ts"
import { sniperConfig } from "./base_config.ts"
import type { Experiment } from "./experiment.ts"
import { type ArmResult, spread, summarize } from "./summary.ts"
import { summaryTable } from "./summary_table.ts"

const experiment: Experiment = {
  name: "toy",
  question: "Which arm is better?",
  data: { images: 10, seed: 1, valFraction: 0.4, longSide: [128, 192] },
  arms: [
    { name: "a", label: "arm A", config: sniperConfig },
    { name: "b", label: "arm B", config: sniperConfig },
    { name: "c", label: "arm C (not run)", config: sniperConfig },
  ],
  budget: { unit: "chips", like: "a", epochs: 2 },
  decayAt: 0.8,
  seeds: 2,
}

function result(arm: string, seed: number, ap: number, chips: number): ArmResult {
  const training = { chips, inputPixels: chips * 16384, imagePixels: chips * 10000 }
  const record: ArmRecord = {
    experiment: "toy",
    arm,
    seed,
    budget: { unit: "chips", target: 20 },
    epochs: 2,
    steps: chips / 4,
    chipSize: 128,
    training,
    perEpoch: [training],
    wallSeconds: 60 * seed,
  }
  return { stats: [ap, 2 * ap, ap / 2, ap, ap, -1, 0, 0, 0, 0, 0, 0], record }
}

describe("spread()", () => {
  it("gives the mean and the sample standard deviation (hand-computed)", () => {
    const s = spread([0.1, 0.2, 0.3])
    assert.closeTo(s.mean, 0.2, 1e-12)
    // Squares 0.01 + 0 + 0.01 over n - 1 = 2: 0.01, root 0.1.
    assert.closeTo(s.std, 0.1, 1e-12)
    assert.deepStrictEqual(spread([5]), { mean: 5, std: 0 })
    assert.deepStrictEqual(spread([0.2, -1]), { mean: -1, std: 0 }, "no objects of that size in some seed")
    assert.throws(() => spread([]), RangeError)
  })
})

describe("summarize() and summaryTable()", () => {
  const results = [result("b", 2, 0.3, 24), result("a", 1, 0.1, 20), result("a", 2, 0.3, 24), result("b", 1, 0.1, 20)]
  const summary = summarize(experiment, results)

  it("summarizes each arm that ran, in the experiment's order, over its seeds", () => {
    assert.deepStrictEqual(
      summary.arms.map((a) => [a.arm, a.seeds]),
      [
        ["a", [1, 2]],
        ["b", [1, 2]],
      ],
    )
    const a = summary.arms[0]
    assert.closeTo(a.AP.mean, 0.2, 1e-12)
    assert.closeTo(a.AP.std, Math.SQRT2 * 0.1, 1e-12)
    assert.closeTo(a.AP50.mean, 0.4, 1e-12)
    assert.deepStrictEqual(a.APl, { mean: -1, std: 0 })
    assert.deepStrictEqual(a.chips, { mean: 22, std: Math.SQRT2 * 2 })
    assert.strictEqual(a.inputPixels.mean, 22 * 16384)
    assert.strictEqual(a.wallSeconds.mean, 90)
    assert.deepStrictEqual(a.rpnStageInputPixels, { mean: 0, std: 0 })
    assert.deepStrictEqual(summary.budget, experiment.budget)
  })
  it("writes a Markdown table: a row an arm, AP as mean ± standard deviation, n/a for no objects", () => {
    const table = summaryTable(summary)
    const lines = table.split("\n")
    assert.strictEqual(lines[0], "# toy")
    assert.include(table, "6 training and 4 val images")
    assert.include(table, 'closest to those of "a" in 2 epochs')
    const row = lines.find((l) => l.startsWith("| arm A |"))
    assert.strictEqual(
      row,
      "| arm A | 2 | 0.200 ± 0.141 | 0.400 ± 0.283 | 0.100 ± 0.071 | 0.200 ± 0.141 | 0.200 ± 0.141 | n/a | 0.4 ± 0.0 | 0.2 ± 0.0 | 22 ± 3 | 128 | 2 | 6 ± 1 | 1.5 ± 0.7 |",
    )
    assert.notInclude(table, "arm C")
  })
})
