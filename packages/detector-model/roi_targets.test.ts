import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import { roiTargets } from "./roi_targets.ts"

const options = {
  labelling: "reference",
  fgIou: 0.5,
  maxRois: 300,
  fgFraction: 0.25,
  boxWeights: [10, 10, 5, 5],
  prng: new Prng([1]).asFunction(),
} as const
// valid box of class 2 at [0, 0, 10, 10]; ignored box of class 3 at [40, 40, 60, 60]
const truth = {
  boxes: Float32Array.from([0, 0, 10, 10, 40, 40, 60, 60]),
  category: Int32Array.from([1, 2]),
  valid: Uint8Array.from([1, 0]),
}
const proposals = Float32Array.from([
  ...[0, 0, 10, 12], // IoU 100/120 with the valid box
  ...[40, 40, 60, 62], // IoU 400/440 with the ignored box
  ...[0, 0, 20, 10], // IoU exactly 0.5: background (the reference needs > 0.5)
  ...[100, 100, 120, 120], // nothing
])

describe("roiTargets()", () => {
  it("roiTargets() in reference mode labels against all gt, appends the valid gt and encodes weighted deltas", () => {
    const t = roiTargets(proposals, truth, options)
    assert.strictEqual(t.count, 5)
    assert.deepStrictEqual(Array.from(t.labels), [2, 3, 0, 0, 2])
    assert.deepStrictEqual(Array.from(t.rois.subarray(16)), [0, 0, 10, 10])
    // RoI 0 -> box 0: dy = 10 x (5 - 6) / 12, dh = 5 log(10 / 12)
    assert.closeTo(t.deltas[0], 0, 1e-6)
    assert.closeTo(t.deltas[1], (10 * -1) / 12, 1e-5)
    assert.closeTo(t.deltas[3], 5 * Math.log(10 / 12), 1e-5)
    // RoI 1 -> the ignored box 1: dy = 10 x (50 - 51) / 22
    assert.closeTo(t.deltas[5], -10 / 22, 1e-5)
    assert.deepStrictEqual(Array.from(t.deltas.subarray(8, 20)), new Array(12).fill(0))
  })

  it("roiTargets() in reference mode replaces the last proposal slots by the valid gt", () => {
    const t = roiTargets(proposals, truth, { ...options, maxRois: 3 })
    assert.strictEqual(t.count, 3)
    assert.deepStrictEqual(Array.from(t.rois), [0, 0, 10, 12, 40, 40, 60, 62, 0, 0, 10, 10])
  })

  it("roiTargets() in sampled mode never makes a RoI on an ignored box background", () => {
    const t = roiTargets(proposals, truth, { ...options, labelling: "sampled", maxRois: 4, fgFraction: 0.5 })
    // fg (IoU >= 0.5): proposals 0, 2 and the appended gt, 2 kept (0.5 x 4); bg: proposal 3 only;
    // proposal 1 (on the ignored box) is neither
    assert.strictEqual(t.count, 3)
    assert.deepStrictEqual(Array.from(t.labels).sort(), [0, 2, 2])
    for (let i = 0; i < t.count; i++)
      assert.notDeepEqual(Array.from(t.rois.subarray(4 * i, 4 * i + 4)), [40, 40, 60, 62])
  })

  it("roiTargets() in sampled mode caps fg at fgFraction", () => {
    const t = roiTargets(proposals, truth, { ...options, labelling: "sampled", maxRois: 4, fgFraction: 0.25 })
    assert.deepStrictEqual(Array.from(t.labels).sort(), [0, 2])
  })

  it("roiTargets() on a chip without boxes labels every proposal background", () => {
    const empty = { boxes: new Float32Array(0), category: new Int32Array(0), valid: new Uint8Array(0) }
    const t = roiTargets(proposals, empty, options)
    assert.deepStrictEqual(Array.from(t.labels), [0, 0, 0, 0])
    assert.isTrue(t.deltas.every((d) => d === 0))
  })
})
