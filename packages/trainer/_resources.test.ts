import { assert, describe, it } from "@effect/vitest"
import { liveTensors, TensorRuntime } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect, Fiber } from "effect"
import { scopedDetector, scopedOptimizer } from "./_resources.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

const config = tinyTrainConfig()

/** Creates the detector and an optimizer with slots (one update), then ends through `end`. */
function stage<E>(end: Effect.Effect<void, E>) {
  return Effect.scoped(
    Effect.gen(function* () {
      const detector = yield* scopedDetector(config)
      const optimizer = yield* scopedOptimizer(config.optimizer)
      const grads: Record<string, tf.Tensor> = {}
      for (const name of detector.params.trainable) {
        const v = detector.params.variables.get(name)!
        grads[v.name] = tf.onesLike(v)
      }
      optimizer.applyGradients(grads)
      tf.dispose(Object.values(grads))
      assert.isAbove(liveTensors(), detector.params.variables.size)
      yield* end
    }),
  )
}

describe("scopedDetector() and scopedOptimizer()", () => {
  it.live("free the detector's variables and the optimizer's slots on success, failure and interruption", () =>
    Effect.gen(function* () {
      yield* TensorRuntime
      const before = liveTensors()
      yield* stage(Effect.void)
      assert.strictEqual(liveTensors(), before)
      assert.strictEqual(yield* stage(Effect.fail("boom")).pipe(Effect.flip), "boom")
      assert.strictEqual(liveTensors(), before)
      const fiber = yield* stage(Effect.never).pipe(Effect.forkChild)
      yield* Effect.sleep("200 millis")
      assert.isAbove(liveTensors(), before)
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(liveTensors(), before)
    }).pipe(Effect.provide(TensorRuntime.layerQuiet)),
  )
})
