import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { readyBackend } from "./backend_fixtures.ts"
import { decodeDetectorConfig } from "./config.ts"
import { createDetector, detectorFeatures, disposeDetector, featureChannels } from "./detector.ts"
import { backboneChannels, resnetSpecs } from "./resnet.ts"
import { tinyConfig } from "./tiny_fixtures.ts"

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

describe("resnetForward() recompute", () => {
  it("resnetForward() with recompute gives the plain pass's gradients, moves running statistics once and peaks lower", async () => {
    // ResNet-50 layout with the stem and res2 frozen: the frozen prefix runs off the tape in both passes.
    const config = Effect.runSync(
      decodeDetectorConfig({
        ...tinyConfig({ depth: 50 }),
        backbone: { ...tinyConfig({ depth: 50 }).backbone, freezeAt: 2 },
      }),
    )
    const images = tf.randomNormal([2, 64, 64, 3], 0, 1, "float32", 2) as tf.Tensor4D
    const projection = tf.randomNormal([2, 4, 4, featureChannels(config)], 0, 1, "float32", 3)
    const run = async (recompute: boolean) => {
      const detector = createDetector(config, { seed: 5 })
      const names = detector.params.trainable.filter((n) => n.startsWith("backbone."))
      const vars = names.map((n) => detector.params.variables.get(n)!)
      let result: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined
      const profile = await tf.profile(() => {
        result = tf.variableGrads(
          () => tf.sum(tf.mul(detectorFeatures(detector, images, true, { recompute }), projection)) as tf.Scalar,
          vars,
        )
      })
      const missing = names.filter((_, i) => result!.grads[vars[i].name] === undefined)
      assert.deepStrictEqual(missing, [], `recompute ${recompute}`)
      const grads = Object.fromEntries(names.map((n, i) => [n, result!.grads[vars[i].name].dataSync()]))
      const running = detector.params.variables.get("backbone.layer3.1.bn2.running_var")!.dataSync()
      const value = result!.value.dataSync()[0]
      tf.dispose([result!.value, ...Object.values(result!.grads)])
      disposeDetector(detector)
      return { grads, running, value, peak: profile.peakBytes, names }
    }
    const plain = await run(false)
    const checked = await run(true)
    assert.isFalse(
      plain.names.some((n) => n.includes("layer1.") || (n.includes("conv1.weight") && !n.includes("layer"))),
    )
    assert.closeTo(checked.value, plain.value, 1e-3 * Math.abs(plain.value))
    assert.strictEqual(Object.keys(checked.grads).length, Object.keys(plain.grads).length)
    for (const [name, g] of Object.entries(plain.grads)) {
      const h = checked.grads[name]
      let scale = 0
      let diff = 0
      for (let i = 0; i < g.length; i++) {
        scale = Math.max(scale, Math.abs(g[i]))
        diff = Math.max(diff, Math.abs(g[i] - h[i]))
      }
      assert.isAbove(scale, 0, `${name} has a gradient`)
      assert.isBelow(diff, 1e-4 * scale + 1e-7, name)
    }
    // A recomputed block must not count its batch twice in the running statistics.
    assert.deepStrictEqual(Array.from(checked.running), Array.from(plain.running))
    assert.isBelow(checked.peak, plain.peak)
    tf.dispose([images, projection])
  }, 120_000)
})
