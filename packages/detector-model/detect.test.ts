import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { gridAnchors } from "./anchors.ts"
import { readyBackend } from "./backend_fixtures.ts"
import { detect } from "./detect.ts"
import { createDetector, type Detector, detectorFeatures, disposeDetector, rpnHead } from "./detector.ts"
import { rpnProposals } from "./rpn_proposals.ts"
import { tinyConfig } from "./tiny_fixtures.ts"

beforeAll(async () => {
  await readyBackend()
})

/** A tiny detector whose box head scores every RoI as class 2 (category row 1): zero class weights, a bias. */
function classTwoDetector(): Detector {
  const detector = createDetector(tinyConfig(), { seed: 1 })
  const cls = detector.params.variables.get("roi.cls.weight")!
  cls.assign(tf.zerosLike(cls))
  detector.params.variables.get("roi.cls.bias")!.assign(tf.tensor1d([0, 0, 3, 0]))
  return detector
}

/** Class 2's softmax probability under the bias above: e^3 / (e^3 + 3). */
const classTwoScore = Math.exp(3) / (Math.exp(3) + 3)

function inside(boxes: Float32Array, count: number, width: number, height: number): boolean {
  for (let i = 0; i < count; i++) {
    const [x1, y1, x2, y2] = boxes.subarray(4 * i, 4 * i + 4)
    if (!(0 <= x1 && x1 <= x2 && x2 <= width && 0 <= y1 && y1 <= y2 && y2 <= height)) return false
  }
  return true
}

describe("detect()", () => {
  it("pads any image size, returns category rows and boxes inside the image, and frees its tensors", () => {
    const detector = classTwoDetector()
    const image = tf.randomNormal([1, 40, 50, 3], 0, 1, "float32", 4) as tf.Tensor4D
    const before = tf.memory().numTensors
    const [d] = detect(detector, image, { scoreThreshold: 0.5, nmsIou: 0.5, maxDetections: 5 })
    assert.strictEqual(tf.memory().numTensors, before)
    assert.isAbove(d.count, 0)
    assert.isAtMost(d.count, 5)
    for (let i = 0; i < d.count; i++) {
      // The network's class 2 is the data set's category row 1.
      assert.strictEqual(d.categories[i], 1)
      assert.closeTo(d.scores[i], classTwoScore, 1e-5)
    }
    assert.isTrue(inside(d.boxes, d.count, 50, 40))
    image.dispose()
    disposeDetector(detector)
  }, 120_000)

  it("clips proposals and boxes to each image's content size, never into the padding", () => {
    const detector = classTwoDetector()
    const images = tf.randomNormal([2, 64, 64, 3], 0, 1, "float32", 5) as tf.Tensor4D
    const sizes = [
      { width: 37, height: 22 },
      { width: 64, height: 50 },
    ]
    const found = detect(detector, images, { scoreThreshold: 0.5, maxDetections: 50, contentSizes: sizes })
    found.forEach((d, i) => {
      assert.isAbove(d.count, 0)
      assert.isTrue(inside(d.boxes, d.count, sizes[i].width, sizes[i].height), `image ${i}`)
    })
    // Without content sizes the whole input is the image, and some box of the first image leaves 37 x 22.
    const [whole] = detect(detector, images, { scoreThreshold: 0.5, maxDetections: 50 })
    assert.isFalse(inside(whole.boxes, whole.count, 37, 22))
    // The whole input given as content is the default.
    const same = detect(detector, images, {
      scoreThreshold: 0.5,
      maxDetections: 50,
      contentSizes: [
        { width: 64, height: 64 },
        { width: 64, height: 64 },
      ],
    })
    assert.deepStrictEqual(same[0], whole)
    images.dispose()
    disposeDetector(detector)
  }, 120_000)

  it("keeps one detection per proposal with nmsIou 1 and no cap (raw detections to merge across scales)", () => {
    const detector = classTwoDetector()
    const images = tf.randomNormal([1, 48, 64, 3], 0, 1, "float32", 6) as tf.Tensor4D
    const content = { width: 60, height: 41 }
    const [raw] = detect(detector, images, {
      scoreThreshold: 0.5,
      nmsIou: 1,
      maxDetections: Number.POSITIVE_INFINITY,
      contentSizes: [content],
    })
    // Independently: the proposal layer's count on the same input and content.
    let proposalCount = 0
    tf.tidy(() => {
      const features = detectorFeatures(detector, images, false)
      const head = rpnHead(detector, features)
      const [, fh, fw] = features.shape
      proposalCount = rpnProposals(gridAnchors(fh, fw, detector.config.anchors), head.logits, head.deltas, {
        imageWidth: content.width,
        imageHeight: content.height,
        settings: detector.config.rpn.test,
      })[0].count
    })
    assert.isAbove(proposalCount, 1)
    assert.strictEqual(raw.count, proposalCount)
    const [suppressed] = detect(detector, images, { scoreThreshold: 0.5, contentSizes: [content] })
    assert.isBelow(suppressed.count, raw.count)
    images.dispose()
    disposeDetector(detector)
  }, 120_000)

  it("refuses content sizes that are not one per image or do not fit the input", () => {
    const detector = classTwoDetector()
    const images = tf.zeros([2, 32, 32, 3]) as tf.Tensor4D
    assert.throws(
      () => detect(detector, images, { contentSizes: [{ width: 32, height: 32 }] }),
      /contentSizes must give one size per image \(2\), current length is 1/,
    )
    assert.throws(
      () =>
        detect(detector, images, {
          contentSizes: [
            { width: 32, height: 32 },
            { width: 33, height: 10 },
          ],
        }),
      /content size 1 must fit the 32x32 input, current value is 33x10/,
    )
    images.dispose()
    disposeDetector(detector)
  })
})
