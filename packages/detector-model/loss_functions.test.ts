import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { readyBackend } from "./backend_fixtures.ts"
import { bceWithLogits, smoothL1 } from "./loss_functions.ts"

beforeAll(async () => {
  await readyBackend()
})

const values = (t: tf.Tensor) => [...t.dataSync()]

describe("smoothL1()", () => {
  it("is x^2 / 2 inside [-1, 1] and |x| - 1/2 outside (hand-worked)", () => {
    const y = tf.tidy(() => values(smoothL1(tf.tensor1d([0, 0.5, -1, 2, -3.5]))))
    assert.deepStrictEqual(y, [0, 0.125, 0.5, 1.5, 3])
  })
  it("has gradient x clipped to [-1, 1]", () => {
    const g = tf.tidy(() => values(tf.grad((x: tf.Tensor) => tf.sum(smoothL1(x)))(tf.tensor1d([0.25, -0.5, 3, -2]))))
    assert.deepStrictEqual(g, [0.25, -0.5, 1, -1])
  })
})

describe("bceWithLogits()", () => {
  it("matches -y log p - (1 - y) log(1 - p), p = sigmoid(x) (hand-worked)", () => {
    // x = 0: ln 2 either way; x = ln 3 (p = 3/4), y = 1: -ln(3/4); y = 0: -ln(1/4)
    const y = tf.tidy(() =>
      values(bceWithLogits(tf.tensor1d([0, 0, Math.log(3), Math.log(3)]), tf.tensor1d([1, 0, 1, 0]))),
    )
    const expected = [Math.LN2, Math.LN2, -Math.log(0.75), -Math.log(0.25)]
    y.forEach((v, i) => {
      assert.closeTo(v, expected[i], 1e-6)
    })
  })
  it("stays finite for large logits: about |x| when wrong, about 0 when right", () => {
    const y = tf.tidy(() => values(bceWithLogits(tf.tensor1d([100, -100, 100, -100]), tf.tensor1d([1, 0, 0, 1]))))
    assert.closeTo(y[0], 0, 1e-6)
    assert.closeTo(y[1], 0, 1e-6)
    assert.closeTo(y[2], 100, 1e-4)
    assert.closeTo(y[3], 100, 1e-4)
  })
  it.prop(
    "has gradient sigmoid(x) - y",
    {
      x: Schema.Finite.check(Schema.isBetween({ minimum: -20, maximum: 20 })),
      target: Schema.Literals([0, 1]),
    },
    ({ x, target }) => {
      const g = tf.tidy(
        () =>
          tf
            .grad((t: tf.Tensor) => tf.sum(bceWithLogits(t, tf.scalar(target))))(tf.scalar(x))
            .dataSync()[0],
      )
      assert.closeTo(g, 1 / (1 + Math.exp(-Math.fround(x))) - target, 1e-5)
    },
    { arbitrary: { runs: 30 } },
  )
})
