import { assert, describe, it } from "@effect/vitest"
import { nms, type ValidRange } from "@sniper/boxes"
import { Arbitrary, Schema } from "effect"
import { mergeScales, proposalMerge, type ScaleDetections } from "./mod.ts"

// SNIPER's test scales 1400 / 800 / 480 and their valid ranges in original pixels
const ranges: ReadonlyArray<ValidRange> = [
  [0, 90],
  [32, 180],
  [75, -1],
]

function scale(
  index: number,
  dets: ReadonlyArray<{ box: number[]; score: number; category?: number }>,
): ScaleDetections {
  return {
    boxes: Float64Array.from(dets.flatMap((d) => d.box)),
    scores: Float64Array.from(dets, (d) => d.score),
    categories: Int32Array.from(dets, (d) => d.category ?? 1),
    validRange: ranges[index],
  }
}

/** Proposals of one scale: no categories, no valid range. */
function proposals(boxes: Array<number>, scores: Array<number>): ScaleDetections {
  return { boxes: Float64Array.from(boxes), scores: Float64Array.from(scores) }
}

describe("mergeScales() of detections", () => {
  it("keeps a box valid at one scale only from that scale", () => {
    // size 20: valid at 1400 only ((0, 90]); the other scales' higher-scored copies are out of range
    const box = [10, 10, 30, 30]
    const merged = mergeScales([
      scale(0, [{ box, score: 0.5 }]),
      scale(1, [{ box, score: 0.9 }]),
      scale(2, [{ box, score: 0.8 }]),
    ])
    assert.strictEqual(merged.count, 1)
    assert.deepStrictEqual([...merged.scale], [0])
    assert.closeTo(merged.scores[0], 0.5, 1e-6)
  })

  it("uses (lo, hi] with areas compared in original pixels", () => {
    // size exactly 90 is valid at 1400 (<= 90), exactly 32 is not valid at 800 (> 32 needed), 75 not at 480
    const at90 = [0, 0, 90, 90]
    const at32 = [200, 200, 232, 232]
    const at75 = [400, 0, 475, 75]
    const merged = mergeScales([
      scale(0, [{ box: at90, score: 0.9 }]),
      scale(1, [{ box: at32, score: 0.8 }]),
      scale(2, [{ box: at75, score: 0.7 }]),
    ])
    assert.deepStrictEqual([...merged.scale], [0])
  })

  it("collapses duplicates across scales with NMS", () => {
    // size 80 is valid at all three scales
    const merged = mergeScales(
      [
        scale(0, [{ box: [0, 0, 80, 80], score: 0.7 }]),
        scale(1, [{ box: [1, 0, 81, 80], score: 0.9 }]),
        scale(2, [{ box: [0, 1, 80, 81], score: 0.8 }]),
      ],
      { nms: { iouThreshold: 0.5 } },
    )
    assert.strictEqual(merged.count, 1)
    assert.deepStrictEqual([merged.scale[0], merged.scores[0]], [1, 0.9])
  })

  it("decays duplicates with SNIPER's Gaussian Soft-NMS by default", () => {
    // identical boxes: IoU 1, each selection multiplies the rest by exp(-1 / 0.55)
    const box = [0, 0, 80, 80]
    const merged = mergeScales([
      scale(0, [{ box, score: 0.9 }]),
      scale(1, [{ box, score: 0.8 }]),
      scale(2, [{ box, score: 0.7 }]),
    ])
    const decay = Math.exp(-1 / 0.55)
    assert.deepStrictEqual([...merged.scale], [0, 1, 2])
    assert.closeTo(merged.scores[0], 0.9, 1e-6)
    assert.closeTo(merged.scores[1], 0.8 * decay, 1e-6)
    assert.closeTo(merged.scores[2], 0.7 * decay * decay, 1e-6)
  })

  it("never merges across categories", () => {
    const box = [0, 0, 80, 80]
    const merged = mergeScales(
      [scale(0, [{ box, score: 0.9, category: 1 }]), scale(1, [{ box, score: 0.8, category: 2 }])],
      { nms: { iouThreshold: 0.5 } },
    )
    assert.deepStrictEqual([...merged.categories], [1, 2])
  })

  it("drops scores at or below 0.001 and keeps the best 200 of an image", () => {
    const many = Array.from({ length: 250 }, (_, i) => ({ box: [i * 100, 0, i * 100 + 50, 50], score: (i + 1) / 1000 }))
    const merged = mergeScales([scale(0, many)], { nms: { iouThreshold: 0.5 } })
    assert.strictEqual(merged.count, 200)
    assert.closeTo(merged.scores[0], 0.25, 1e-12)
    assert.closeTo(merged.scores[199], 0.051, 1e-12)
    assert.strictEqual(mergeScales([scale(0, many)], { nms: { iouThreshold: 0.5 }, maxPerImage: 1000 }).count, 249)
  })

  it("refuses mismatched columns and a cap that is not a count", () => {
    const bad = { ...scale(0, [{ box: [0, 0, 10, 10], score: 1 }]), categories: new Int32Array(2) }
    assert.throws(() => mergeScales([bad]), /Cannot merge scales: scale 0 needs/)
    assert.throws(() => mergeScales([], { maxPerImage: -1 }), /maxPerImage must be a non-negative integer/)
    assert.throws(() => mergeScales([], { maxPerImage: 2.5 }), /current value is 2.5/)
  })
})

describe("mergeScales() of proposals (proposalMerge)", () => {
  it("stacks the scales and suppresses a box overlapping a better one of another scale", () => {
    // Scale A: (0,0,10,10) 0.9 and (50,50,60,60) 0.4. Scale B: (1,0,11,10) 0.8 overlaps A's first with IoU
    // 90 / 110 = 0.818 > 0.7 and goes; (0,30,10,40) 0.6 overlaps nothing and stays. A 2 px box and a score of
    // 0.0005 stay too: proposals have no valid range and no score threshold.
    const merged = mergeScales(
      [
        proposals([0, 0, 10, 10, 50, 50, 60, 60], [0.9, 0.4]),
        proposals([1, 0, 11, 10, 0, 30, 10, 40, 80, 80, 82, 82], [0.8, 0.6, 0.0005]),
      ],
      proposalMerge,
    )
    assert.strictEqual(merged.count, 4)
    assert.deepStrictEqual(Array.from(merged.scores), [0.9, 0.6, 0.4, 0.0005])
    assert.deepStrictEqual(Array.from(merged.boxes), [0, 0, 10, 10, 0, 30, 10, 40, 50, 50, 60, 60, 80, 80, 82, 82])
    assert.deepStrictEqual(Array.from(merged.scale), [0, 1, 0, 1])
    assert.deepStrictEqual(Array.from(merged.categories), [0, 0, 0, 0])
    // At IoU 0.85 the two overlapping boxes both stay.
    const loose = mergeScales([proposals([0, 0, 10, 10], [0.9]), proposals([1, 0, 11, 10], [0.8])], {
      ...proposalMerge,
      nms: { iouThreshold: 0.85 },
    })
    assert.strictEqual(loose.count, 2)
  })

  it("keeps at most maxPerImage proposals, the best ones", () => {
    const merged = mergeScales(
      [proposals([0, 0, 10, 10, 20, 20, 30, 30], [0.2, 0.7]), proposals([40, 40, 50, 50], [0.5])],
      { ...proposalMerge, maxPerImage: 2 },
    )
    assert.deepStrictEqual(Array.from(merged.scores), [0.7, 0.5])
    assert.deepStrictEqual(Array.from(merged.boxes), [20, 20, 30, 30, 40, 40, 50, 50])
    assert.strictEqual(mergeScales([proposals([0, 0, 1, 1], [1])], { ...proposalMerge, maxPerImage: 0 }).count, 0)
  })

  const int = (minimum: number, maximum: number) =>
    Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))
  // few distinct scores (eighths), so ties between scales happen
  const box = Arbitrary.all([int(0, 100), int(0, 100), int(1, 50), int(1, 50), int(1, 8)])
  const stack = Arbitrary.array(
    Arbitrary.map(Arbitrary.array(box, { maxLength: 12 }), (bs) =>
      proposals(
        bs.flatMap(([x, y, w, h]) => [x, y, x + w, y + h]),
        bs.map((b) => b[4] / 8),
      ),
    ),
    { maxLength: 3 },
  )

  it.prop(
    "equals greedy NMS 0.7 over the scales stacked in order, capped (the proposals' former merge)",
    [stack, int(0, 20)],
    ([scales, cap]) => {
      const boxes = Float64Array.from(scales.flatMap((s) => Array.from(s.boxes)))
      const scores = Float64Array.from(scales.flatMap((s) => Array.from(s.scores as Float64Array)))
      const keep = nms(boxes, scores, { iouThreshold: 0.7, maxOutput: cap })
      const merged = mergeScales(scales, { ...proposalMerge, maxPerImage: cap })
      assert.strictEqual(merged.count, keep.length)
      keep.forEach((i, k) => {
        assert.deepStrictEqual(
          Array.from(merged.boxes.subarray(4 * k, 4 * k + 4)),
          Array.from(boxes.subarray(4 * i, 4 * i + 4)),
        )
        assert.strictEqual(merged.scores[k], scores[i])
      })
    },
  )
})
