import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { maxRelativeError, randomArray, readyBackends } from "./backend_fixtures.ts"
import { recompute } from "./recompute.ts"

beforeAll(readyBackends)

function setup(tag: string) {
  const w1 = tf.variable(tf.tensor4d(randomArray(3 * 3 * 3 * 4, 1), [3, 3, 3, 4]), true, `ck_w1_${tag}`)
  const w2 = tf.variable(tf.tensor4d(randomArray(3 * 3 * 4 * 4, 2), [3, 3, 4, 4]), true, `ck_w2_${tag}`)
  const block = (x: tf.Tensor) =>
    tf.relu(tf.conv2d(tf.relu(tf.conv2d(x as tf.Tensor4D, w1, 2, "same")) as tf.Tensor4D, w2, 1, "same", "NHWC", 2))
  return { w1, w2, block }
}

describe("recompute()", () => {
  for (const backend of ["cpu", "wasm"] as const) {
    it(`gives the same gradients with fewer live tensors during backward (${backend})`, () => {
      tf.setBackend(backend)
      const { w1, w2, block } = setup(backend)
      const x = tf.tensor4d(randomArray(2 * 9 * 9 * 3, 3), [2, 9, 9, 3])
      const before = tf.memory().numTensors
      let plainPeak = 0
      let checkedPeak = 0
      const loss = (f: (x: tf.Tensor) => tf.Tensor, peak: (n: number) => void) => () => {
        const y = f(f === block ? x : x)
        peak(tf.memory().numTensors)
        return tf.sum(tf.square(y)) as tf.Scalar
      }
      const plain = tf.variableGrads(
        loss(block, (n) => (plainPeak = n)),
        [w1, w2],
      )
      const wrapped = recompute(block, [w1, w2])
      const checked = tf.variableGrads(
        loss(wrapped, (n) => (checkedPeak = n)),
        [w1, w2],
      )
      for (const name of [w1.name, w2.name]) {
        assert.isBelow(maxRelativeError(checked.grads[name].dataSync(), plain.grads[name].dataSync()), 1e-5, name)
      }
      assert.closeTo(checked.value.dataSync()[0], plain.value.dataSync()[0], 1e-3)
      assert.isBelow(checkedPeak, plainPeak)
      tf.dispose([plain.value, checked.value, ...Object.values(plain.grads), ...Object.values(checked.grads)])
      assert.strictEqual(tf.memory().numTensors, before)
      tf.dispose([x, w1, w2])
    })

    it(`recomputes from its saved inputs after the caller freed them (${backend})`, () => {
      tf.setBackend(backend)
      const { w1, w2, block } = setup(`freed_${backend}`)
      const x = tf.tensor4d(randomArray(2 * 9 * 9 * 3, 4), [2, 9, 9, 3])
      const wrapped = recompute(block, [w1, w2])
      // The block's input lives only inside the tidy; the backward pass runs after that tidy has freed it.
      const loss = (f: (x: tf.Tensor) => tf.Tensor) => () =>
        tf.sum(tf.square(tf.tidy(() => f(tf.mul(x, 2))))) as tf.Scalar
      const plain = tf.variableGrads(loss(block), [w1, w2])
      const checked = tf.variableGrads(loss(wrapped), [w1, w2])
      for (const name of [w1.name, w2.name])
        assert.isBelow(maxRelativeError(checked.grads[name].dataSync(), plain.grads[name].dataSync()), 1e-5, name)
      tf.dispose([plain.value, checked.value, ...Object.values(plain.grads), ...Object.values(checked.grads)])
      tf.dispose([x, w1, w2])
    })
  }

  it("runs the block again in the backward pass and differentiates inputs and params (hand-worked)", () => {
    tf.setBackend("cpu")
    // y = w * x + v * v, loss = sum(y) over x = [1, 2, 3], w = 2, v = 3:
    // d/dx = w = 2 each, d/dw = sum(x) = 6, d/dv = 3 * 2v = 18; an unused param u gets 0
    const w = tf.variable(tf.scalar(2), true, "rc_w")
    const v = tf.variable(tf.scalar(3), true, "rc_v")
    const u = tf.variable(tf.scalar(5), true, "rc_u")
    let calls = 0
    const block = (x: tf.Tensor) => {
      calls++
      return tf.add(tf.mul(w, x), tf.mul(v, v))
    }
    const wrapped = recompute(block, [w, v, u])
    const x = tf.tensor1d([1, 2, 3])
    const { value, grads } = tf.variableGrads(() => tf.sum(wrapped(x)) as tf.Scalar, [w, v, u])
    assert.strictEqual(calls, 2)
    assert.strictEqual(value.dataSync()[0], 2 * 6 + 3 * 9)
    assert.strictEqual(grads[w.name].dataSync()[0], 6)
    assert.strictEqual(grads[v.name].dataSync()[0], 18)
    assert.strictEqual(grads[u.name].dataSync()[0], 0)
    const dx = tf.grad((t: tf.Tensor) => tf.sum(wrapped(t)))(x)
    assert.deepStrictEqual([...dx.dataSync()], [2, 2, 2])
    tf.dispose([value, ...Object.values(grads), dx, x, w, v, u])
  })
})
