import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import { bestFirst, selectProposals } from "./proposals.ts"

const settings = { preNmsTopK: 100, postNmsTopK: 100, nmsIou: 0.7, minSize: 3, tinyRule: "either" } as const
const anchors = Float32Array.from([0, 0, 10, 10, 0, 0, 10, 10.5, 20, 20, 30, 30, 40, 40, 41, 50, -5, -5, 8, 8])
const scores = Float32Array.from([0.9, 0.8, 0.7, 0.95, 0.1])

describe("selectProposals()", () => {
  it("selectProposals() drops tiny boxes, suppresses overlaps and clips, best first", () => {
    const p = selectProposals(
      anchors,
      { scores, deltas: new Float32Array(20) },
      { imageWidth: 64, imageHeight: 64, settings },
    )
    // anchor 3 is 1 px wide (dropped: "either"), anchor 1 overlaps anchor 0 with IoU 100/105 (suppressed),
    // anchor 4 is clipped to [0, 0, 8, 8] and overlaps anchor 0 with IoU 64/100 (kept)
    assert.strictEqual(p.count, 3)
    assert.deepStrictEqual(Array.from(p.scores), [0.9, 0.7, 0.1].map(Math.fround))
    assert.deepStrictEqual(Array.from(p.boxes), [0, 0, 10, 10, 20, 20, 30, 30, 0, 0, 8, 8])
  })

  it("selectProposals() with the training rule keeps a thin box unless both sides are small", () => {
    const p = selectProposals(
      anchors,
      { scores, deltas: new Float32Array(20) },
      { imageWidth: 64, imageHeight: 64, settings: { ...settings, tinyRule: "both" } },
    )
    assert.strictEqual(p.count, 4)
    assert.closeTo(p.scores[0], 0.95, 1e-6)
  })

  it("selectProposals() applies deltas, top-k before and after NMS, and the area range", () => {
    const deltas = new Float32Array(20)
    deltas[8] = 0.1 // anchor 2 moves right by 0.1 x 10 px
    const p = selectProposals(
      anchors,
      { scores, deltas },
      { imageWidth: 64, imageHeight: 64, settings: { ...settings, preNmsTopK: 3, postNmsTopK: 1 } },
    )
    assert.deepStrictEqual(Array.from(p.boxes), [0, 0, 10, 10])
    const q = selectProposals(
      anchors,
      { scores, deltas },
      { imageWidth: 64, imageHeight: 64, settings, areaRange: [90, 101] },
    )
    assert.deepStrictEqual(Array.from(q.boxes), [0, 0, 10, 10, 21, 20, 31, 30])
  })

  it("selectProposals() rejects mismatched head outputs", () => {
    assert.throws(
      () =>
        selectProposals(
          anchors,
          { scores: new Float32Array(2), deltas: new Float32Array(20) },
          { imageWidth: 64, imageHeight: 64, settings },
        ),
      /expected 5 scores/,
    )
  })

  it("bestFirst() keeps what a full sort keeps, ties by index, over random scores with many ties", () => {
    const prng = new Prng([5]).asFunction()
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(prng() * 300)
      // few distinct values (ties), signed zeros among them
      const levels = 1 + Math.floor(prng() * 20)
      const scores = Float32Array.from({ length: n }, () => {
        const v = Math.floor(prng() * levels) - levels / 2
        return v === 0 && prng() < 0.5 ? -0 : v / 7
      })
      const candidates = Array.from({ length: n }, (_, i) => i).filter(() => prng() < 0.8)
      const k = Math.floor(prng() * (n + 5))
      const full = [...candidates].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k)
      assert.deepStrictEqual(bestFirst(candidates, scores, k), full, `trial ${trial}: n ${n}, k ${k}`)
    }
  })
})
