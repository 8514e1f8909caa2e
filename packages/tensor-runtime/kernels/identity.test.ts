import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { readyBackends } from "../backend_fixtures.ts"

beforeAll(readyBackends)

describe("Identity on wasm", () => {
  it("a clone shares its buffer, and either survives the other's disposal with its values", () => {
    tf.setBackend("wasm")
    const buffers = tf.memory().numDataBuffers
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3])
    const y = tf.clone(x)
    assert.strictEqual(tf.memory().numDataBuffers, buffers + 1)
    x.dispose()
    assert.deepStrictEqual(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6])
    // An op on the survivor writes a new buffer and leaves the shared one as it was.
    const z = tf.add(y, 1)
    assert.deepStrictEqual(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6])
    assert.deepStrictEqual(Array.from(z.dataSync()), [2, 3, 4, 5, 6, 7])
    tf.dispose([y, z])
    assert.strictEqual(tf.memory().numDataBuffers, buffers)
  })

  it("a recorded op's saved input shares the input's buffer: one new buffer per op, not two", () => {
    tf.setBackend("wasm")
    const w = tf.variable(tf.randomNormal([8, 8], 0, 0.1, "float32", 1))
    let added = -1
    const { value, grads } = tf.variableGrads(() => {
      const a = tf.matMul(tf.ones([4, 8]), w)
      const before = tf.memory().numDataBuffers
      // relu's gradient keeps its input: the tape saves a clone of `a`
      const h = tf.relu(a)
      added = tf.memory().numDataBuffers - before
      return tf.sum(h) as tf.Scalar
    }, [w])
    assert.strictEqual(added, 1)
    tf.dispose([value, ...Object.values(grads), w])
  })
})
