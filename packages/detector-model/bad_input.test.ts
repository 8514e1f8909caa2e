import { assert, beforeAll, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { readyBackend } from "./backend_fixtures.ts"
import type { ChipTruth } from "./chip_truth.ts"
import { decodeDetectorConfig, sniperR50 } from "./config.ts"
import { detect } from "./detect.ts"
import { createDetector, disposeDetector } from "./detector.ts"
import { detectorLosses } from "./losses.ts"
import { tinyConfig } from "./tiny_fixtures.ts"
import { trainStep } from "./train_step.ts"

beforeAll(async () => {
  await readyBackend()
})

const empty: ChipTruth = { boxes: new Float32Array(0), classes: new Int32Array(0), valid: new Uint8Array(0) }

describe("decodeDetectorConfig()", () => {
  it.effect(
    "decodeDetectorConfig() names an unknown depth",
    () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(
          decodeDetectorConfig({ ...sniperR50, backbone: { ...sniperR50.backbone, depth: 42 } }),
        )
        assert.strictEqual(error._tag, "InvalidDetectorConfig")
        assert.match(error.message, /Expected 18 \| 34 \| 50 \| 101 at \["backbone"\]\["depth"\]/)
      }),
    120_000,
  )
  it.effect(
    "decodeDetectorConfig() rejects bg above fg IoU, a zero width and a stride other than 16",
    () =>
      Effect.gen(function* () {
        const bg = yield* Effect.flip(decodeDetectorConfig({ ...sniperR50, rpn: { ...sniperR50.rpn, bgIou: 0.6 } }))
        assert.match(bg.message, /rpn.bgIou \(0.6\) must not exceed rpn.fgIou \(0.5\)/)
        const width = yield* Effect.flip(
          decodeDetectorConfig({ ...sniperR50, backbone: { ...sniperR50.backbone, width: 0 } }),
        )
        assert.match(width.message, /width/)
        const stride = yield* Effect.flip(
          decodeDetectorConfig({ ...sniperR50, anchors: { ...sniperR50.anchors, stride: 32 } }),
        )
        assert.match(stride.message, /stride/)
      }),
    120_000,
  )
})

describe("detectorLosses() and trainStep() on awkward input", () => {
  it("detectorLosses() refuses a chip size that is not a multiple of the stride, and mismatched ground truth", () => {
    const detector = createDetector(tinyConfig(), { seed: 1 })
    const odd = tf.zeros([1, 72, 64, 3]) as tf.Tensor4D
    assert.throws(
      () =>
        tf.tidy(
          () => detectorLosses(detector, { images: odd, truths: [empty] }, { prng: new Prng([1]).asFunction() }).total,
        ),
      /Cannot compute detector losses: image height and width must be positive multiples of the stride 16, current value is 72x64/,
    )
    const ok = tf.zeros([2, 64, 64, 3]) as tf.Tensor4D
    assert.throws(
      () =>
        tf.tidy(
          () => detectorLosses(detector, { images: ok, truths: [empty] }, { prng: new Prng([1]).asFunction() }).total,
        ),
      /expected one ground truth per chip \(2\), current value is 1/,
    )
    const badClass: ChipTruth = {
      boxes: Float32Array.from([0, 0, 9, 9]),
      classes: Int32Array.from([4]),
      valid: Uint8Array.from([1]),
    }
    assert.throws(
      () =>
        tf.tidy(
          () =>
            detectorLosses(detector, { images: ok, truths: [badClass, empty] }, { prng: new Prng([1]).asFunction() })
              .total,
        ),
      /classes must be in 1\.\.3, current value is 4/,
    )
    tf.dispose([odd, ok])
    disposeDetector(detector)
  }, 120_000)

  it("trainStep() trains on chips without boxes and on boxes under a pixel: finite losses, weights move", () => {
    const detector = createDetector(tinyConfig(), { seed: 1 })
    const images = tf.randomNormal([2, 64, 64, 3], 0, 1, "float32", 1) as tf.Tensor4D
    const optimizer = tf.train.momentum(0.01, 0.9)
    const w = detector.params.variables.get("rpn.cls.bias")!
    const before = w.dataSync().slice()
    const negatives = trainStep(
      detector,
      { images, truths: [empty, empty] },
      { optimizer, prng: new Prng([1]).asFunction() },
    )
    assert.isTrue(Number.isFinite(negatives.total) && negatives.total > 0)
    assert.strictEqual(negatives.rpnBox, 0)
    assert.strictEqual(negatives.roiBox, 0)
    assert.strictEqual(negatives.counts.rpnFg, 0)
    assert.isAbove(negatives.counts.rpnBg, 0)
    assert.notDeepEqual(w.dataSync(), before)
    const speck: ChipTruth = {
      boxes: Float32Array.from([20, 20, 20.5, 20.25, 30, 30, 30, 31]),
      classes: Int32Array.from([1, 2]),
      valid: Uint8Array.from([1, 1]),
    }
    const tiny = trainStep(
      detector,
      { images, truths: [speck, empty] },
      { optimizer, prng: new Prng([2]).asFunction() },
    )
    for (const v of [tiny.total, tiny.rpnClass, tiny.rpnBox, tiny.roiClass, tiny.roiBox])
      assert.isTrue(Number.isFinite(v))
    // The half-pixel box makes its best anchors fg (the 32 px anchors holding it tie, all win); the zero-width box
    // has IoU 0 with everything and makes none.
    assert.isAtLeast(tiny.counts.rpnFg, 1)
    assert.isAtMost(tiny.counts.rpnFg, 8)
    optimizer.dispose()
    images.dispose()
    disposeDetector(detector)
  }, 120_000)
})

describe("detect()", () => {
  it("detect() pads any image size, returns boxes inside the image and frees its tensors", () => {
    const detector = createDetector(tinyConfig(), { seed: 1 })
    // Make every RoI score class 2 above threshold: zero class weights, bias favouring class 2.
    const cls = detector.params.variables.get("roi.cls.weight")!
    cls.assign(tf.zerosLike(cls))
    detector.params.variables.get("roi.cls.bias")!.assign(tf.tensor1d([0, 0, 3, 0]))
    const image = tf.randomNormal([1, 40, 50, 3], 0, 1, "float32", 4) as tf.Tensor4D
    const before = tf.memory().numTensors
    const [d] = detect(detector, image, { scoreThreshold: 0.5, nmsIou: 0.5, maxDetections: 5 })
    assert.strictEqual(tf.memory().numTensors, before)
    assert.isAbove(d.count, 0)
    assert.isAtMost(d.count, 5)
    for (let i = 0; i < d.count; i++) {
      assert.strictEqual(d.classes[i], 2)
      assert.closeTo(d.scores[i], Math.exp(3) / (Math.exp(3) + 3), 1e-5)
      assert.isTrue(
        d.boxes[4 * i] >= 0 && d.boxes[4 * i + 2] <= 50 && d.boxes[4 * i + 1] >= 0 && d.boxes[4 * i + 3] <= 40,
      )
    }
    image.dispose()
    disposeDetector(detector)
  }, 120_000)
})
