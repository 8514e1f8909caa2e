import { assert, beforeAll, describe, it } from "@effect/vitest"
import type { ChipTruth } from "@sniper/boxes"
import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import { gridAnchors } from "./anchors.ts"
import { readyBackend } from "./backend_fixtures.ts"
import type { Detector } from "./detector.ts"
import { createDetector, disposeDetector } from "./detector.ts"
import { bceWithLogits, smoothL1 } from "./loss_functions.ts"
import { detectorLosses } from "./losses.ts"
import { selectProposals } from "./proposals.ts"
import { roiTargets } from "./roi_targets.ts"
import { rpnTargets } from "./rpn_targets.ts"
import { tinyConfig } from "./tiny_fixtures.ts"

beforeAll(async () => {
  await readyBackend()
})

const softplus = (x: number) => Math.log1p(Math.exp(x))
const huber = (x: number) => (Math.abs(x) < 1 ? 0.5 * x * x : Math.abs(x) - 0.5)
const empty: ChipTruth = { boxes: new Float32Array(0), category: new Int32Array(0), valid: new Uint8Array(0) }

/** Heads that output constants: objectness logit `b`, zero deltas, uniform class scores. */
function constantHeads(detector: Detector, b: number): void {
  for (const [name, v] of detector.params.variables) {
    if (!/^(rpn\.(cls|box)|roi\.(cls|box))\./.test(name)) continue
    v.assign(tf.fill(v.shape, name === "rpn.cls.bias" ? b : 0))
  }
}

describe("smoothL1() and bceWithLogits()", () => {
  it("smoothL1() is 0.5 x² inside [-1, 1] and |x| - 0.5 outside", () => {
    const v = tf.tidy(() => smoothL1(tf.tensor1d([0, 0.5, -1, 2, -3])).dataSync())
    assert.deepStrictEqual(Array.from(v), [0, 0.125, 0.5, 1.5, 2.5])
  }, 120_000)
  it("bceWithLogits() is softplus(-x) for target 1 and softplus(x) for 0, without overflow", () => {
    const v = tf.tidy(() => bceWithLogits(tf.tensor1d([0.3, 0.3, 100, -100]), tf.tensor1d([1, 0, 1, 1])).dataSync())
    assert.closeTo(v[0], softplus(-0.3), 1e-6)
    assert.closeTo(v[1], softplus(0.3), 1e-6)
    assert.closeTo(v[2], 0, 1e-6)
    assert.closeTo(v[3], 100, 1e-4)
  }, 120_000)
})

describe("detectorLosses()", () => {
  it("detectorLosses() on a chip without boxes: softplus(b) objectness, log(K + 1) class loss, no box loss", () => {
    const detector = createDetector(tinyConfig(), { seed: 1 })
    constantHeads(detector, 0.3)
    const images = tf.randomNormal([1, 64, 64, 3], 0, 1, "float32", 2) as tf.Tensor4D
    const terms = tf.tidy(() => {
      const t = detectorLosses(detector, { images, truths: [empty] }, { prng: new Prng([1]).asFunction() })
      return [t.rpnClass, t.rpnBox, t.roiClass, t.roiBox, t.total].map((s) => s.dataSync()[0])
    })
    assert.closeTo(terms[0], softplus(0.3), 1e-5)
    assert.strictEqual(terms[1], 0)
    assert.closeTo(terms[2], Math.log(4), 1e-5)
    assert.strictEqual(terms[3], 0)
    assert.closeTo(terms[4], softplus(0.3) + Math.log(4), 1e-5)
    images.dispose()
    disposeDetector(detector)
  }, 120_000)

  it("detectorLosses() normalises as the reference: valid count, 3 / (N x 256), RoI count, N x 188", () => {
    const config = tinyConfig()
    const detector = createDetector(config, { seed: 1 })
    const b = -0.2
    constantHeads(detector, b)
    const truths: Array<ChipTruth> = [
      {
        boxes: Float32Array.from([4, 6, 40, 50, 30, 20, 60, 34]),
        category: Int32Array.from([1, 2]),
        valid: Uint8Array.from([1, 0]),
      },
      empty,
    ]
    const images = tf.randomNormal([2, 64, 64, 3], 0, 1, "float32", 3) as tf.Tensor4D
    const got = tf.tidy(() => {
      const t = detectorLosses(detector, { images, truths }, { prng: new Prng([9]).asFunction() })
      return { values: [t.rpnClass, t.rpnBox, t.roiClass, t.roiBox].map((s) => s.dataSync()[0]), counts: t.counts }
    })
    // The same targets, recomputed from the pure functions in the loss's order (RPN per chip, then RoIs).
    const anchors = gridAnchors(4, 4, config.anchors)
    const prng = new Prng([9]).asFunction()
    let fg = 0
    let bg = 0
    let rpnBoxSum = 0
    for (const truth of truths) {
      const t = rpnTargets(anchors, truth, { ...config.rpn, imageWidth: 64, imageHeight: 64, allowedBorder: 32, prng })
      fg += t.fgCount
      bg += t.bgCount
      for (let i = 0; i < t.labels.length; i++)
        if (t.labels[i] === 1) for (let k = 0; k < 4; k++) rpnBoxSum += huber(t.deltas[4 * i + k])
    }
    let rois = 0
    let roiBoxSum = 0
    for (const truth of truths) {
      const scores = new Float32Array(anchors.length / 4).fill(b)
      const p = selectProposals(
        anchors,
        { scores, deltas: new Float32Array(anchors.length) },
        {
          imageWidth: 64,
          imageHeight: 64,
          settings: config.rpn.train,
        },
      )
      const t = roiTargets(p.boxes, truth, { ...config.roi, maxRois: config.rpn.train.postNmsTopK, prng })
      rois += t.count
      for (let i = 0; i < t.count; i++)
        if (t.labels[i] > 0) for (let k = 0; k < 4; k++) roiBoxSum += huber(t.deltas[4 * i + k])
    }
    assert.isTrue(fg > 0 && rpnBoxSum > 0 && roiBoxSum > 0)
    assert.strictEqual(got.counts.rpnFg, fg)
    assert.strictEqual(got.counts.rois, rois)
    assert.closeTo(got.values[0], (fg * softplus(-b) + bg * softplus(b)) / (fg + bg), 1e-5)
    assert.closeTo(got.values[1], (3 * rpnBoxSum) / (2 * 256), 1e-5)
    assert.closeTo(got.values[2], Math.log(4), 1e-5)
    assert.closeTo(got.values[3], roiBoxSum / (2 * 188), 1e-5)
    images.dispose()
    disposeDetector(detector)
  }, 120_000)
})
