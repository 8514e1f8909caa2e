import { assert, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { makeOptimizer, setLearningRate } from "./optimizer.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

describe("makeOptimizer() and setLearningRate()", () => {
  for (const kind of ["sgd", "adam"] as const) {
    it(`${kind}: the next update uses the rate set`, () => {
      const config = { ...tinyTrainConfig().optimizer, kind, momentum: 0 }
      const optimizer = makeOptimizer(config)
      const w = tf.variable(tf.scalar(1))
      const step = () => optimizer.applyGradients({ [w.name]: tf.scalar(1) })
      // SGD moves by rate x gradient; Adam's first step moves by about the rate whatever the gradient
      setLearningRate(optimizer, 0.5)
      step()
      assert.closeTo(w.dataSync()[0], 0.5, 1e-4)
      setLearningRate(optimizer, 0.25)
      step()
      assert.closeTo(w.dataSync()[0], 0.25, kind === "sgd" ? 1e-6 : 1e-2)
      w.dispose()
      optimizer.dispose()
    })
  }
})
