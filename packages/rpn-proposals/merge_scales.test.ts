import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { type ImageProposals, mergeScales } from "./mod.ts"

function proposals(boxes: Array<number>, scores: Array<number>): ImageProposals {
  return { boxes: Float64Array.from(boxes), scores: Float64Array.from(scores), count: scores.length }
}

describe("mergeScales()", () => {
  it("stacks the scales and suppresses a box overlapping a better one of another scale", () => {
    // Scale A: (0,0,10,10) 0.9 and (50,50,60,60) 0.4. Scale B: (1,0,11,10) 0.8 overlaps A's first with IoU
    // 90 / 110 = 0.818 > 0.7 and goes; (0,30,10,40) 0.6 overlaps nothing and stays.
    const merged = mergeScales(
      [proposals([0, 0, 10, 10, 50, 50, 60, 60], [0.9, 0.4]), proposals([1, 0, 11, 10, 0, 30, 10, 40], [0.8, 0.6])],
      { iouThreshold: 0.7 },
    )
    assert.strictEqual(merged.count, 3)
    assert.deepStrictEqual(Array.from(merged.scores), [0.9, 0.6, 0.4])
    assert.deepStrictEqual(Array.from(merged.boxes), [0, 0, 10, 10, 0, 30, 10, 40, 50, 50, 60, 60])
    // At IoU 0.85 the two overlapping boxes both stay.
    assert.strictEqual(
      mergeScales([proposals([0, 0, 10, 10], [0.9]), proposals([1, 0, 11, 10], [0.8])], { iouThreshold: 0.85 }).count,
      2,
    )
  })

  it("keeps at most maxPerImage proposals, the best ones", () => {
    const merged = mergeScales(
      [proposals([0, 0, 10, 10, 20, 20, 30, 30], [0.2, 0.7]), proposals([40, 40, 50, 50], [0.5])],
      { iouThreshold: 0.7, maxPerImage: 2 },
    )
    assert.deepStrictEqual(Array.from(merged.scores), [0.7, 0.5])
    assert.deepStrictEqual(Array.from(merged.boxes), [20, 20, 30, 30, 40, 40, 50, 50])
    assert.strictEqual(mergeScales([proposals([0, 0, 1, 1], [1])], { iouThreshold: 0.7, maxPerImage: 0 }).count, 0)
    assert.throws(
      () => mergeScales([], { iouThreshold: 0.7, maxPerImage: -1 }),
      /maxPerImage must be a non-negative integer/,
    )
  })

  const int = (minimum: number, maximum: number) =>
    Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))
  const box = Arbitrary.all([
    int(0, 100),
    int(0, 100),
    int(1, 50),
    int(1, 50),
    Arbitrary.schema(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }))),
  ])
  const scale = Arbitrary.map(Arbitrary.array(box, { maxLength: 12 }), (bs) =>
    proposals(
      bs.flatMap(([x, y, w, h]) => [x, y, x + w, y + h]),
      bs.map((b) => b[4]),
    ),
  )

  it.prop(
    "returns best-first boxes taken from the input, no two above the IoU threshold, within the cap",
    [Arbitrary.array(scale, { maxLength: 3 }), int(0, 20)],
    ([scales, cap]) => {
      const merged = mergeScales(scales, { iouThreshold: 0.7, maxPerImage: cap })
      const total = scales.reduce((n, s) => n + s.count, 0)
      assert.isAtMost(merged.count, Math.min(cap, total))
      for (let i = 1; i < merged.count; i++) assert.isAtMost(merged.scores[i], merged.scores[i - 1])
      const inputs = new Set(
        scales.flatMap((s) =>
          Array.from({ length: s.count }, (_, i) => `${s.boxes.subarray(4 * i, 4 * i + 4)}|${s.scores[i]}`),
        ),
      )
      for (let i = 0; i < merged.count; i++)
        assert.isTrue(inputs.has(`${merged.boxes.subarray(4 * i, 4 * i + 4)}|${merged.scores[i]}`))
      // Without a cap, nothing survives only by luck: an empty merge means an empty input.
      if (total > 0) assert.isAbove(mergeScales(scales, { iouThreshold: 0.7 }).count, 0)
    },
  )
})
