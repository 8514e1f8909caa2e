import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { maxRelativeError, randomArray, readyBackends } from "./backend_fixtures.ts"
import { tinyLoss, tinyParams } from "./tiny_detector_fixtures.ts"

beforeAll(readyBackends)

function lossAndGrads(backend: "cpu" | "wasm", seed: number) {
  tf.setBackend(backend)
  const before = tf.memory().numTensors
  const params = tinyParams(seed)
  const images = tf.tensor4d(randomArray(2 * 32 * 32 * 3, seed), [2, 32, 32, 3])
  const { value, grads } = tf.variableGrads(() => tinyLoss(params, images, seed), Object.values(params))
  const out = {
    loss: value.dataSync()[0],
    grads: Object.fromEntries(
      Object.entries(grads).map(([k, g]) => [k.split("_")[0], Float32Array.from(g.dataSync())]),
    ),
  }
  tf.dispose([value, images, ...Object.values(grads), ...Object.values(params)])
  return { ...out, leaked: tf.memory().numTensors - before }
}

describe("a miniature Faster R-CNN training step", () => {
  it("gives the same loss and gradients on wasm as on cpu, and leaks nothing", () => {
    for (const seed of [1, 2]) {
      const wasm = lossAndGrads("wasm", seed)
      const cpu = lossAndGrads("cpu", seed)
      assert.closeTo(wasm.loss, cpu.loss, 1e-4 * Math.abs(cpu.loss))
      assert.strictEqual(Object.keys(wasm.grads).length, 16)
      for (const [name, g] of Object.entries(cpu.grads)) {
        assert.isTrue(
          g.some((v) => v !== 0),
          `${name} gets a gradient`,
        )
        assert.isBelow(maxRelativeError(wasm.grads[name], g), 2e-3, name)
      }
      assert.strictEqual(wasm.leaked, 0)
      assert.strictEqual(cpu.leaked, 0)
    }
  })

  it("lowers the loss with plain SGD on wasm", () => {
    tf.setBackend("wasm")
    const params = tinyParams(3)
    const images = tf.tensor4d(randomArray(2 * 32 * 32 * 3, 3), [2, 32, 32, 3])
    const optimizer = tf.train.sgd(0.05)
    const losses: number[] = []
    for (let i = 0; i < 8; i++) {
      const loss = optimizer.minimize(() => tinyLoss(params, images, 3), true) as tf.Scalar
      losses.push(loss.dataSync()[0])
      loss.dispose()
    }
    assert.isBelow(losses[7], losses[0] * 0.9)
    tf.dispose([images, ...Object.values(params)])
    optimizer.dispose()
  })
})
