import { assert, beforeAll, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import { readyBackend } from "./backend_fixtures.ts"
import { addRelu, batchNormTrain } from "./batch_norm.ts"

beforeAll(async () => {
  await readyBackend()
})

/** The same batch norm written with plain ops, differentiated by the tape: the reference for the custom backward. */
function plainBatchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, relu: boolean) {
  const mean = tf.mean(x, [0, 1, 2])
  const variance = tf.mean(tf.square(tf.sub(x, mean)), [0, 1, 2])
  const y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta)
  return relu ? tf.relu(y) : y
}

describe("batchNormTrain()", () => {
  it("normalises each channel with its batch mean and biased variance (hand-worked)", () => {
    // channel 0 holds 1, 2, 3, 4 over N x H x W: mean 2.5, variance 1.25; gamma 2, beta 1, epsilon 0
    // y = 2 (x - 2.5) / sqrt(1.25) + 1; channel 1 is constant 7: variance 0, so y = beta = -1 with epsilon 1
    const x = tf.tensor4d([1, 7, 2, 7, 3, 7, 4, 7], [2, 1, 2, 2])
    let stats: Array<Array<number>> = []
    const y = tf.tidy(() =>
      batchNormTrain(x, tf.tensor1d([2, 3]), tf.tensor1d([1, -1]), {
        epsilon: 1e-12,
        relu: false,
        onStatistics: (mean, variance) => {
          stats = [[...mean.dataSync()], [...variance.dataSync()]]
        },
      }),
    )
    const out = [...y.dataSync()]
    const s = Math.sqrt(1.25)
    const expected = [1, 2, 3, 4].map((v) => (2 * (v - 2.5)) / s + 1)
    expected.forEach((v, i) => {
      assert.closeTo(out[2 * i], v, 1e-5)
      assert.closeTo(out[2 * i + 1], -1, 1e-5)
    })
    assert.deepStrictEqual(stats, [
      [2.5, 7],
      [1.25, 0],
    ])
    tf.dispose([x, y])
  })
  for (const relu of [false, true]) {
    it(`gives the tape's gradients for x, gamma and beta (relu ${relu})`, () => {
      const prng = new Prng([12, relu ? 1 : 0])
      const x = tf.tensor4d(
        Array.from({ length: 2 * 3 * 3 * 4 }, () => prng.uniform(-2, 2)),
        [2, 3, 3, 4],
      )
      const gamma = tf.tensor1d([0.5, 1, 1.5, -1])
      const beta = tf.tensor1d([0, 0.2, -0.3, 0.1])
      const weights = tf.tensor4d(
        Array.from({ length: x.size }, () => prng.uniform(-1, 1)),
        x.shape,
      )
      const grads = (f: (a: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor) =>
        tf.tidy(() =>
          tf
            .grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
              tf.sum(tf.mul(f(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D), weights)),
            )([x, gamma, beta])
            .map((t) => [...t.dataSync()]),
        )
      const ours = grads((a, g, b) => batchNormTrain(a, g, b, { epsilon: 1e-5, relu }))
      const plain = grads((a, g, b) => plainBatchNorm(a, g, b, 1e-5, relu))
      ours.forEach((values, k) => {
        values.forEach((v, i) => {
          assert.closeTo(v, plain[k][i], 1e-4, `input ${k} element ${i}`)
        })
      })
      tf.dispose([x, gamma, beta, weights])
    })
  }
})

describe("addRelu()", () => {
  it("is relu(a + b) and passes the gradient where the sum is positive to both inputs", () => {
    const a = tf.tensor4d([1, -2, 0.5, -1], [1, 1, 2, 2])
    const b = tf.tensor4d([1, 1, -1, 2], [1, 1, 2, 2])
    const [y, ga, gb] = tf.tidy(() => {
      const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
        tf.sum(tf.mul(addRelu(p as tf.Tensor4D, q as tf.Tensor4D), tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]))),
      )([a, b])
      return [addRelu(a, b), da, db].map((t) => [...t.dataSync()])
    })
    assert.deepStrictEqual(y, [2, 0, 0, 1])
    assert.deepStrictEqual(ga, [1, 0, 0, 4])
    assert.deepStrictEqual(gb, [1, 0, 0, 4])
    tf.dispose([a, b])
  })
})
