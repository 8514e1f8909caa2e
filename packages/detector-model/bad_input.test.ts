import { assert, beforeAll, describe, it } from "@effect/vitest"
import type { ChipTruth } from "@sniper/boxes"
import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import { Effect, Result, Schema } from "effect"
import { readyBackend } from "./backend_fixtures.ts"
import { DetectorConfig, decodeDetectorConfig, sniperR50 } from "./config.ts"
import { createDetector, disposeDetector } from "./detector.ts"
import { detectorLosses } from "./losses.ts"
import { tinyConfig } from "./tiny_fixtures.ts"
import { trainStep } from "./train_step.ts"

beforeAll(async () => {
  await readyBackend()
})

const empty: ChipTruth = { boxes: new Float32Array(0), category: new Int32Array(0), valid: new Uint8Array(0) }

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
        // The rule belongs to the schema: a config embedding DetectorConfig applies it too.
        const embedded = Schema.decodeUnknownResult(Schema.Struct({ detector: DetectorConfig }))({
          detector: { ...sniperR50, rpn: { ...sniperR50.rpn, bgIou: 0.6 } },
        })
        assert.isTrue(Result.isFailure(embedded))
        if (Result.isFailure(embedded)) assert.match(embedded.failure.message, /must not exceed rpn.fgIou/)
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
      category: Int32Array.from([3]),
      valid: Uint8Array.from([1]),
    }
    assert.throws(
      () =>
        tf.tidy(
          () =>
            detectorLosses(detector, { images: ok, truths: [badClass, empty] }, { prng: new Prng([1]).asFunction() })
              .total,
        ),
      /category must be in 0\.\.2, current value is 3/,
    )
    // Background is the detector's own class 0, never a category: -1 (a 1-based class shifted down) is refused.
    const background: ChipTruth = { ...badClass, category: Int32Array.from([-1]) }
    assert.throws(
      () =>
        tf.tidy(
          () =>
            detectorLosses(detector, { images: ok, truths: [background, empty] }, { prng: new Prng([1]).asFunction() })
              .total,
        ),
      /category must be in 0\.\.2, current value is -1/,
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
      category: Int32Array.from([0, 1]),
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
