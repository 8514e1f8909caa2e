import { assert, describe, it } from "@effect/vitest"
import { assignBoxes } from "./assign_boxes.ts"
import { defaultChipConfig } from "./config.ts"

// COCO ranges [0, 80), [32, 150), [120, inf); scale 1 is the middle one, scale 2 the coarsest.
const config = defaultChipConfig("reference")

function assign(
  boxes: ReadonlyArray<number>,
  chips: ReadonlyArray<number>,
  o: { readonly bound?: "positive" | "negative"; readonly scaleIndex?: number; readonly first?: number } = {},
) {
  const n = boxes.length / 4
  const out = new Int32Array(n).fill(-1)
  const counts = assignBoxes(new Float64Array(boxes), new Float64Array(chips), {
    boxIds: Array.from({ length: n }, (_, j) => j),
    bound: o.bound ?? "positive",
    config,
    scaleIndex: o.scaleIndex ?? 1,
    out,
    first: o.first ?? 0,
  })
  return { out: Array.from(out), counts: Array.from(counts) }
}

describe("assignBoxes()", () => {
  // Chip A spans x 0..99, chip B x 50..149 (inclusive px), both y 0..99.
  const chips = [0, 0, 99, 99, 50, 0, 149, 99]
  it("gives each box to the chip covering the largest fraction of it, the first on ties (hand-computed)", () => {
    const r = assign(
      [
        10,
        10,
        60,
        60, // A holds all 51 columns, B 11: A
        60,
        10,
        140,
        60, // A holds 40 of 81 columns, B all: B
        40,
        10,
        109,
        60, // A and B hold 60 of 70 columns each: the first, A
      ],
      chips,
      { first: 5 },
    )
    assert.deepStrictEqual(r.out, [5, 6, 5])
    assert.deepStrictEqual(r.counts, [2, 1])
  })
  it("refuses an overlap under 1 px either way (the intersection has no +1)", () => {
    // Best chip B (+1 widths give 0.5 px of overlap), but x2 - x1 of the intersection is 149 - 149.5 < 1.
    assert.deepStrictEqual(assign([149.5, 10, 200, 60], chips).out, [-1])
    assert.deepStrictEqual(assign([148, 10, 200, 60], chips).out, [1]) // 149 - 148 = 1
  })
  it("bounds the intersection's size by hi: inclusive for positive chips, exclusive for negative ones", () => {
    const big = [0, 0, 299, 299]
    // Intersection 150 x 150: size 150, the middle scale's hi.
    assert.deepStrictEqual(assign([0, 0, 150, 150], big).out, [0])
    assert.deepStrictEqual(assign([0, 0, 150, 150], big, { bound: "negative" }).out, [-1])
    assert.deepStrictEqual(assign([0, 0, 149, 150], big, { bound: "negative" }).out, [0])
  })
  it("bounds it by lo at the coarsest scale, with no upper bound", () => {
    const big = [0, 0, 999, 999]
    assert.deepStrictEqual(assign([0, 0, 119, 121], big, { scaleIndex: 2 }).out, [-1]) // sqrt(119 x 121) < 120
    assert.deepStrictEqual(assign([0, 0, 120, 120, 0, 0, 900, 900], big, { scaleIndex: 2 }).out, [0, 0])
  })
  it("measures the part inside the chip, not the whole box", () => {
    // A 600 px box (size sqrt(599 x 51) = 174.8 > 150) mostly outside chip A: the intersection is 99 x 51,
    // size 71.1 <= 150 at the middle scale.
    assert.deepStrictEqual(assign([0, 10, 599, 61], [0, 0, 99, 99]).out, [0])
  })
  it("returns zero counts and assigns nothing without chips or boxes", () => {
    assert.deepStrictEqual(assign([10, 10, 20, 20], []), { out: [-1], counts: [] })
    assert.deepStrictEqual(assign([], chips), { out: [], counts: [0, 0] })
  })
})
