import { assert, beforeAll, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import { applyStatistics } from "./apply_gradients.ts"
import { readyBackend } from "./backend_fixtures.ts"
import { createDetector, type Detector, disposeDetector } from "./detector.ts"
import { detectorLosses } from "./losses.ts"
import { passGradients } from "./pass_gradients.ts"
import { tinyConfig, twinTruths } from "./tiny_fixtures.ts"

beforeAll(async () => {
  await readyBackend()
})

/** Every variable's values by name. */
function snapshot(detector: Detector): Map<string, Float32Array> {
  return new Map([...detector.params.variables].map(([name, v]) => [name, (v.dataSync() as Float32Array).slice()]))
}

describe("passGradients()", () => {
  it("passGradients() returns one gradient per trainable variable and each layer's statistics, changing nothing", () => {
    const detector = createDetector(tinyConfig(), { seed: 2 })
    const images = tf.randomNormal([2, 64, 64, 3], 0, 1, "float32", 5) as tf.Tensor4D
    try {
      const before = snapshot(detector)
      const tensors = tf.memory().numTensors
      const out = passGradients(detector, { images, truths: twinTruths() }, { prng: new Prng([1]).asFunction() })
      assert.strictEqual(tf.memory().numTensors, tensors)
      assert.deepStrictEqual(snapshot(detector), before)
      assert.strictEqual(out.chips, 2)
      assert.strictEqual(out.gradients.length, detector.params.trainable.length)
      assert.isTrue(out.gradients.every((g) => g !== undefined))
      out.gradients.forEach((g, i) => {
        assert.strictEqual(g!.length, detector.params.variables.get(detector.params.trainable[i])!.size)
      })
      const bnLayers = [...detector.params.variables.keys()]
        .filter((n) => n.endsWith(".running_mean"))
        .map((n) => n.slice(0, -".running_mean".length))
      assert.deepStrictEqual(out.statistics.map((s) => s.layer).sort(), bnLayers.sort())
      assert.isAbove(out.losses.total, 0)
      assert.closeTo(
        out.losses.total,
        out.losses.rpnClass + out.losses.rpnBox + out.losses.roiClass + out.losses.roiBox,
        1e-5,
      )
    } finally {
      images.dispose()
      disposeDetector(detector)
    }
  })

  it("applyStatistics() over two passes makes the running statistics the layers make themselves, to the bit", () => {
    const moved = createDetector(tinyConfig(), { seed: 2 })
    const replica = createDetector(tinyConfig(), { seed: 2 })
    const a = tf.randomNormal([1, 64, 64, 3], 0, 1, "float32", 6) as tf.Tensor4D
    const b = tf.randomNormal([1, 64, 64, 3], 0.5, 2, "float32", 7) as tf.Tensor4D
    const truths = twinTruths().slice(0, 1)
    try {
      // The layers move their own running statistics, pass a then pass b.
      for (const images of [a, b])
        tf.tidy(() => detectorLosses(moved, { images, truths }, { prng: new Prng([1]).asFunction() }).total)
      const statistics = [a, b].map(
        (images) => passGradients(replica, { images, truths }, { prng: new Prng([1]).asFunction() }).statistics,
      )
      applyStatistics(replica, statistics)
      const want = snapshot(moved)
      const got = snapshot(replica)
      let running = 0
      for (const [name, values] of want)
        if (name.includes(".running_")) {
          running++
          assert.deepStrictEqual(got.get(name), values, name)
        }
      assert.isAbove(running, 0)
      assert.notDeepEqual(
        want.get("backbone.bn1.running_mean"),
        new Float32Array(want.get("backbone.bn1.running_mean")!.length),
      )
    } finally {
      tf.dispose([a, b])
      disposeDetector(moved)
      disposeDetector(replica)
    }
  })
})
