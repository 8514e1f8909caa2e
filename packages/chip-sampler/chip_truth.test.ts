import { assert, describe, it } from "@effect/vitest"
import { chipTruth, storeContinuous } from "./chip_truth.ts"
import { defaultChipConfig } from "./config.ts"
import { IgnoreReason, type ImageBoxes } from "./types.ts"

function image(boxes: ReadonlyArray<number>, crowd: ReadonlyArray<number> = []): ImageBoxes {
  const n = boxes.length / 4
  return {
    id: 1,
    width: 1000,
    height: 1000,
    boxes: new Float64Array(boxes),
    category: Int32Array.from({ length: n }, (_, j) => 10 + j),
    crowd: Uint8Array.from({ length: n }, (_, j) => crowd[j] ?? 0),
    annotation: Int32Array.from({ length: n }, (_, j) => j),
    proposals: new Float64Array(0),
    flip: false,
  }
}

const valid = () => IgnoreReason.valid

describe("chipTruth()", () => {
  it("shifts by the origin, scales, rounds half to even, clips to pixels [0, C - 1], ends at x2 + 1 (hand-computed)", () => {
    const img = image([
      100,
      50,
      110,
      60, // -> (0, 0, 15, 15): 16 px, kept
      101,
      51,
      106,
      70, // -> (1.5 -> 2, 2, 9, 30): 8 px wide, dropped
      90,
      40,
      120,
      70, // -> (-15 -> 0, 0, 30, 30): cut by the chip, kept
      1000,
      0,
      1010,
      20, // -> x beyond the chip, clipped to 511 both: dropped
    ])
    const t = chipTruth(
      img,
      { x1: 100, y1: 50, scale: 1.5 },
      { config: defaultChipConfig("reference"), reasonOf: valid },
    )
    assert.strictEqual(t.category.length, 2)
    // Pixels 0..15 and 0..30 of the chip: continuous boxes end at 16 and 31.
    assert.deepStrictEqual(Array.from(t.boxes), [0, 0, 16, 16, 0, 0, 31, 31])
    assert.deepStrictEqual(Array.from(t.box), [0, 2])
    assert.deepStrictEqual(Array.from(t.category), [10, 12])
    assert.deepStrictEqual(Array.from(t.valid), [1, 1])
  })
  it("rounds halves to even as numpy: 2.5 -> 2, 3.5 -> 4", () => {
    const img = image([5, 5, 47, 47])
    const t = chipTruth(img, { x1: 0, y1: 0, scale: 0.5 }, { config: defaultChipConfig("reference"), reasonOf: valid })
    assert.deepStrictEqual(Array.from(t.boxes), [2, 2, 25, 25]) // 23.5 -> 24, the pixel's far edge 25
    const u = chipTruth(
      image([7, 7, 45, 45]),
      { x1: 0, y1: 0, scale: 0.5 },
      {
        config: defaultChipConfig("reference"),
        reasonOf: valid,
      },
    )
    assert.deepStrictEqual(Array.from(u.boxes), [4, 4, 23, 23]) // 3.5 -> 4, 22.5 -> 22
  })
  it("keeps boxes of exactly 10 px (+1 widths) and drops 9 px ones", () => {
    const t = chipTruth(
      image([0, 0, 9, 9, 0, 0, 8, 20]),
      { x1: 0, y1: 0, scale: 1 },
      {
        config: defaultChipConfig("paper"),
        reasonOf: valid,
      },
    )
    assert.deepStrictEqual(Array.from(t.box), [0])
  })
  it("keeps at most 100 boxes, the first in annotation order", () => {
    const boxes = Array.from({ length: 120 }, (_, j) => [j, j, j + 20, j + 20]).flat()
    const t = chipTruth(
      image(boxes),
      { x1: 0, y1: 0, scale: 1 },
      { config: defaultChipConfig("reference"), reasonOf: valid },
    )
    assert.strictEqual(t.category.length, 100)
    assert.strictEqual(t.valid.length, 100)
    assert.strictEqual(t.boxes.length, 400)
    assert.strictEqual(t.truncated, 20)
    assert.strictEqual(t.box[99], 99)
  })
  it("drops crowd boxes in reference mode and ignores them in paper mode", () => {
    const img = image([0, 0, 50, 50, 60, 60, 120, 120], [0, 1])
    const ref = chipTruth(img, { x1: 0, y1: 0, scale: 1 }, { config: defaultChipConfig("reference"), reasonOf: valid })
    assert.deepStrictEqual(Array.from(ref.box), [0])
    const pap = chipTruth(img, { x1: 0, y1: 0, scale: 1 }, { config: defaultChipConfig("paper"), reasonOf: valid })
    assert.deepStrictEqual(Array.from(pap.box), [0, 1])
    assert.deepStrictEqual(Array.from(pap.valid), [1, 0])
    assert.deepStrictEqual(Array.from(pap.reason), [IgnoreReason.valid, IgnoreReason.crowd])
  })
  it("takes the ignore reason from reasonOf", () => {
    const t = chipTruth(
      image([0, 0, 50, 50]),
      { x1: 0, y1: 0, scale: 1 },
      {
        config: defaultChipConfig("reference"),
        reasonOf: () => IgnoreReason.otherChip,
      },
    )
    assert.deepStrictEqual(Array.from(t.valid), [0])
    assert.deepStrictEqual(Array.from(t.reason), [IgnoreReason.otherChip])
  })
})

describe("storeContinuous()", () => {
  it("ends an inclusive pixel box at x2 + 1, y2 + 1: a 1 px box is 1 px wide", () => {
    const boxes = new Float32Array(8).fill(-7)
    storeContinuous(boxes, 4, [3, 5, 3, 9])
    assert.deepStrictEqual(Array.from(boxes), [-7, -7, -7, -7, 3, 5, 4, 10])
  })
})
