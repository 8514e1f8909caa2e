import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { gridAnchors } from "./anchors.ts"
import { readyBackend } from "./backend_fixtures.ts"
import { rpnProposals } from "./rpn_proposals.ts"

beforeAll(async () => {
  await readyBackend()
})

const settings = { preNmsTopK: 10, postNmsTopK: 10, nmsIou: 0.7, minSize: 3, tinyRule: "both" } as const

describe("rpnProposals()", () => {
  // A 1 x 2 feature map, one 16 px square anchor per cell: [0, 0, 16, 16] and [16, 0, 32, 16] on a 32 x 16 chip.
  const anchors = gridAnchors(1, 2, { stride: 16, scales: [1], ratios: [1] })

  it("reads each chip's own scores and deltas from the batch (hand-worked)", () => {
    // chip 0 prefers anchor 0, chip 1 anchor 1; chip 1's anchor 0 moves right by 0.5 x 16 = 8 px
    const logits = tf.tensor4d([2, 1, -1, 3], [2, 1, 2, 1])
    const deltas = tf.tensor4d([0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0], [2, 1, 2, 4])
    const [a, b] = rpnProposals(anchors, logits, deltas, { imageWidth: 32, imageHeight: 16, settings })
    assert.deepStrictEqual([...a.scores], [2, 1])
    assert.deepStrictEqual([...a.boxes], [0, 0, 16, 16, 16, 0, 32, 16])
    // [8, 0, 24, 16] against [16, 0, 32, 16]: IoU 128 / 384, below 0.7, so both stay
    assert.deepStrictEqual([...b.scores], [3, -1])
    assert.deepStrictEqual([...b.boxes], [16, 0, 32, 16, 8, 0, 24, 16])
    tf.dispose([logits, deltas])
  })

  it("applies each chip's own area range, and none where it is undefined", () => {
    const logits = tf.tensor4d([1, 2, 1, 2], [2, 1, 2, 1])
    const deltas = tf.zeros([2, 1, 2, 4]) as tf.Tensor4D
    // anchor areas are 256; chip 0 keeps [0, 200) (none), chip 1 has no range
    const [a, b] = rpnProposals(anchors, logits, deltas, {
      imageWidth: 32,
      imageHeight: 16,
      settings,
      areaRanges: [[0, 200], undefined],
    })
    assert.strictEqual(a.count, 0)
    assert.strictEqual(b.count, 2)
    tf.dispose([logits, deltas])
  })
})
