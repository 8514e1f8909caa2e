import { assert, describe, it } from "@effect/vitest"
import type { ValidRange } from "@sniper/boxes"
import { mergeScales, type ScaleDetections } from "./mod.ts"

// SNIPER's test scales 1400 / 800 / 480 and their valid ranges in original pixels
const ranges: ReadonlyArray<ValidRange> = [
  [0, 90],
  [32, 180],
  [75, -1],
]

function scale(index: number, dets: ReadonlyArray<{ box: number[]; score: number; cls?: number }>): ScaleDetections {
  return {
    boxes: Float64Array.from(dets.flatMap((d) => d.box)),
    scores: Float64Array.from(dets, (d) => d.score),
    classes: Int32Array.from(dets, (d) => d.cls ?? 1),
    validRange: ranges[index],
  }
}

describe("mergeScales()", () => {
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

  it("never merges across classes", () => {
    const box = [0, 0, 80, 80]
    const merged = mergeScales([scale(0, [{ box, score: 0.9, cls: 1 }]), scale(1, [{ box, score: 0.8, cls: 2 }])], {
      nms: { iouThreshold: 0.5 },
    })
    assert.deepStrictEqual([...merged.classes], [1, 2])
  })

  it("drops scores at or below 0.001 and keeps the best 200 of an image", () => {
    const many = Array.from({ length: 250 }, (_, i) => ({ box: [i * 100, 0, i * 100 + 50, 50], score: (i + 1) / 1000 }))
    const merged = mergeScales([scale(0, many)], { nms: { iouThreshold: 0.5 } })
    assert.strictEqual(merged.count, 200)
    assert.closeTo(merged.scores[0], 0.25, 1e-12)
    assert.closeTo(merged.scores[199], 0.051, 1e-12)
    assert.strictEqual(mergeScales([scale(0, many)], { nms: { iouThreshold: 0.5 }, maxPerImage: 1000 }).count, 249)
  })

  it("refuses mismatched columns", () => {
    const bad = { ...scale(0, [{ box: [0, 0, 10, 10], score: 1 }]), classes: new Int32Array(2) }
    assert.throws(() => mergeScales([bad]), /Cannot merge scales: scale 0 needs/)
  })
})
