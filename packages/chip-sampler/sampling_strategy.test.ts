import { assert, describe, it } from "@effect/vitest"
import { defaultChipConfig } from "./config.ts"
import {
  type Draft,
  paperStrategy,
  referenceStrategy,
  type SamplingStrategy,
  type ScaleGroup,
  samplingStrategy,
} from "./sampling_strategy.ts"
import { IgnoreReason } from "./types.ts"

// Scale 1 (the middle COCO scale, [32, 150)) at s = 1: chip A spans x 0..99, chip B x 50..149, both y 0..99.
const drafts: ReadonlyArray<Draft> = [
  { negative: false, scaleIndex: 1, grid: [0, 0, 99, 99] },
  { negative: false, scaleIndex: 1, grid: [50, 0, 149, 99] },
]
// Box 0 lies in both chips, box 1 only in B, box 2 in neither (70 columns: 60 in A, 60 in B).
const boxes = new Float64Array([55, 10, 95, 60, 60, 10, 140, 60, 40, 10, 109, 60])

function group(strategy: SamplingStrategy, chips: ReadonlyArray<Draft> = drafts): ScaleGroup {
  return {
    config: defaultChipConfig(strategy.mode),
    scaleIndex: 1,
    scale: 1,
    boxes,
    scaled: boxes,
    boxIds: Int32Array.from([0, 1, 2]),
    drafts: chips,
    first: 0,
  }
}

function place(strategy: SamplingStrategy): Int32Array {
  const out = new Int32Array(3).fill(-1)
  strategy.placePositives(group(strategy), out)
  return out
}

function reasons(strategy: SamplingStrategy, chips: ReadonlyArray<Draft>, placed: Int32Array): Array<Array<number>> {
  const none = new Int32Array(3).fill(-1)
  const negative = chips[0].negative
  const reasonIn = strategy.validity({
    drafts: chips,
    scaled: boxes,
    positive: negative ? none : placed,
    negative: negative ? placed : none,
  })
  return chips.map((_, d) => [0, 1, 2].map((at) => reasonIn(d, at)))
}

describe("samplingStrategy()", () => {
  it("is chosen by the mode; only the reference uses integer arithmetic", () => {
    assert.strictEqual(samplingStrategy("reference"), referenceStrategy)
    assert.strictEqual(samplingStrategy("paper"), paperStrategy)
    assert.isTrue(referenceStrategy.integerBoxes)
    assert.isFalse(paperStrategy.integerBoxes)
  })
})

describe("referenceStrategy", () => {
  it("places each box in the one chip holding most of it, cut or not, and makes it valid there only", () => {
    const placed = place(referenceStrategy)
    assert.deepStrictEqual(Array.from(placed), [0, 1, 0]) // box 0: a tie, the first chip; box 2 likewise
    assert.deepStrictEqual(reasons(referenceStrategy, drafts, placed), [
      [IgnoreReason.valid, IgnoreReason.otherChip, IgnoreReason.valid],
      [IgnoreReason.otherChip, IgnoreReason.valid, IgnoreReason.otherChip],
    ])
  })
  it("counts a negative chip's boxes by reassigning them, below hi exclusive", () => {
    const negatives = drafts.map((d) => ({ ...d, negative: true }))
    const out = new Int32Array(3).fill(-1)
    const counts = referenceStrategy.countNegatives(group(referenceStrategy, negatives), Int32Array.of(9, 9), out)
    assert.deepStrictEqual(Array.from(counts), [2, 1]) // not the greedy cover's counts
    assert.deepStrictEqual(Array.from(out), [0, 1, 0])
    assert.deepStrictEqual(reasons(referenceStrategy, negatives, out)[1], [
      IgnoreReason.otherChip,
      IgnoreReason.valid,
      IgnoreReason.otherChip,
    ])
  })
})

describe("paperStrategy", () => {
  it("covers a box by the first chip holding it whole; it is valid in every chip holding it, cut elsewhere", () => {
    const placed = place(paperStrategy)
    assert.deepStrictEqual(Array.from(placed), [0, 1, -1]) // box 2 fits neither chip: not covered
    assert.deepStrictEqual(reasons(paperStrategy, drafts, placed), [
      [IgnoreReason.valid, IgnoreReason.cut, IgnoreReason.cut],
      [IgnoreReason.valid, IgnoreReason.valid, IgnoreReason.cut],
    ])
  })
  it("counts a negative chip's boxes as the greedy cover newly covered them", () => {
    const newlyCovered = Int32Array.of(4, 7)
    const out = new Int32Array(3).fill(-1)
    assert.strictEqual(paperStrategy.countNegatives(group(paperStrategy), newlyCovered, out), newlyCovered)
    assert.deepStrictEqual(Array.from(out), [-1, -1, -1])
  })
})
