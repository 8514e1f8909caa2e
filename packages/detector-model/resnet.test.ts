import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { readyBackend } from "./_test_backend.ts"
import { tinyConfig } from "./_tiny.ts"
import { decodeDetectorConfig } from "./config.ts"
import { createDetector, detectorFeatures, disposeDetector, featureChannels } from "./detector.ts"
import { backboneChannels, resnetSpecs } from "./resnet.ts"

beforeAll(async () => {
  await readyBackend()
})

describe("resnetSpecs()", () => {
  it("resnetSpecs() follows torchvision's layout and the width multiplier", () => {
    const base = tinyConfig().backbone
    const r50 = resnetSpecs({ ...base, depth: 50, width: 1 })
    const shape = (name: string) => r50.find((s) => s.name === name)!.shape
    assert.deepStrictEqual(shape("backbone.conv1.weight"), [7, 7, 3, 64])
    assert.deepStrictEqual(shape("backbone.layer1.0.downsample.0.weight"), [1, 1, 64, 256])
    assert.deepStrictEqual(shape("backbone.layer4.2.conv3.weight"), [1, 1, 512, 2048])
    // 4 per BN, 1 per conv: 53 convs and 53 BNs in ResNet-50
    assert.strictEqual(r50.length, 53 * 5)
    assert.strictEqual(resnetSpecs({ ...base, depth: 101, width: 1 }).length, 104 * 5)
    assert.deepStrictEqual(backboneChannels({ ...base, depth: 18, width: 0.5 }), { res4: 128, res5: 256 })
    assert.deepStrictEqual(backboneChannels({ ...base, depth: 101, width: 1 }), { res4: 1024, res5: 2048 })
  })

  it("resnetSpecs() freezes the stem and res2 with freezeAt 2 and every batch norm when frozen", () => {
    const base = tinyConfig().backbone
    const trainable = (b: typeof base) =>
      resnetSpecs(b)
        .filter((s) => s.trainable)
        .map((s) => s.name)
    const at2 = trainable({ ...base, freezeAt: 2 })
    assert.isFalse(at2.some((n) => n.startsWith("backbone.conv1") || n.startsWith("backbone.layer1.")))
    assert.include(at2, "backbone.layer2.0.conv1.weight")
    const frozenBn = trainable({ ...base, batchNorm: "frozen" })
    assert.isFalse(frozenBn.some((n) => /\.bn\d|downsample\.1|running/.test(n)))
    assert.include(frozenBn, "backbone.layer4.1.conv2.weight")
  })

  it("resnetSpecs() refuses an unknown depth", () => {
    assert.throws(
      () => resnetSpecs({ ...tinyConfig().backbone, depth: 42 as 50 }),
      /depth must be 18, 34, 50 or 101, current value is 42/,
    )
  })
})

describe("detectorFeatures()", () => {
  it("detectorFeatures() gives res4 ‖ res5 at stride 16; batch statistics only when training a trainable BN", () => {
    const images = tf.randomNormal([2, 64, 96, 3], 0, 1, "float32", 1) as tf.Tensor4D
    const trained = createDetector(tinyConfig({ depth: 50 }), { seed: 1 })
    const f = detectorFeatures(trained, images, true)
    assert.deepStrictEqual(f.shape, [2, 4, 6, featureChannels(trained.config)])
    assert.strictEqual(featureChannels(trained.config), 64 + 128)
    const running = trained.params.variables.get("backbone.layer3.0.bn1.running_mean")!
    assert.isTrue(
      Array.from(running.dataSync()).some((v) => v !== 0),
      "running mean moved",
    )
    const g = detectorFeatures(trained, images, false)
    assert.isAbove(tf.max(tf.abs(tf.sub(f, g))).dataSync()[0], 1e-3)
    const config = Effect.runSync(
      decodeDetectorConfig({ ...trained.config, backbone: { ...trained.config.backbone, batchNorm: "frozen" } }),
    )
    const frozen = createDetector(config, { seed: 1 })
    const a = detectorFeatures(frozen, images, true)
    const b = detectorFeatures(frozen, images, false)
    assert.strictEqual(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0], 0)
    tf.dispose([images, f, g, a, b])
    disposeDetector(trained)
    disposeDetector(frozen)
  }, 120_000)
})
