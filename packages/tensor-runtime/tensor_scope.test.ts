import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Cause, Deferred, Effect, Exit, Fiber } from "effect"
import { randomArray, readyBackends } from "./backend_fixtures.ts"
import { assertNoTensorLeak, liveTensors, scopedTensor, tensorsIn, withTensorScope } from "./tensor_scope.ts"
import { tinyLoss, tinyParams } from "./tiny_detector_fixtures.ts"

beforeAll(async () => {
  await readyBackends()
  await tf.setBackend("wasm")
})

describe("withTensorScope()", () => {
  it.effect("keeps only the tensors in the result", () =>
    Effect.gen(function* () {
      const before = liveTensors()
      const { kept, count } = yield* withTensorScope(
        Effect.sync(() => {
          const a = tf.ones([3])
          const b = tf.add(a, a)
          tf.mul(b, 2)
          return { kept: [b], count: 3 }
        }),
      )
      assert.strictEqual(count, 3)
      assert.strictEqual(liveTensors(), before + 1)
      assert.deepStrictEqual([...kept[0].dataSync()], [2, 2, 2])
      kept[0].dispose()
      assert.strictEqual(liveTensors(), before)
    }),
  )

  it.effect("frees everything when the step fails", () =>
    Effect.gen(function* () {
      const before = liveTensors()
      const exit = yield* withTensorScope(
        Effect.gen(function* () {
          const t = tf.ones([4, 4])
          tf.matMul(t, t)
          return yield* Effect.fail("diverged" as const)
        }),
      ).pipe(Effect.exit)
      assert.deepStrictEqual(exit, Exit.fail("diverged"))
      assert.strictEqual(liveTensors(), before)
    }),
  )

  it.effect("frees everything when a running step is interrupted", () =>
    Effect.gen(function* () {
      const before = liveTensors()
      const started = yield* Deferred.make<void>()
      const fiber = yield* withTensorScope(
        Effect.gen(function* () {
          const params = tinyParams(5)
          const images = tf.tensor4d(randomArray(2 * 32 * 32 * 3, 5), [2, 32, 32, 3])
          const { value, grads } = tf.variableGrads(() => tinyLoss(params, images, 5))
          assert.isAbove(liveTensors(), before + 16)
          yield* Deferred.succeed(started, undefined)
          yield* Effect.never
          tf.dispose(Object.values(params))
          return { value, grads }
        }),
      ).pipe(Effect.forkChild)
      yield* Deferred.await(started)
      yield* Fiber.interrupt(fiber)
      // the 16 variables are not scope-tracked: only they remain
      assert.strictEqual(liveTensors(), before + 16)
      tf.disposeVariables()
      assert.strictEqual(liveTensors(), before)
    }),
  )

  it.effect("nests: an inner result lives until the outer scope ends", () =>
    Effect.gen(function* () {
      const before = liveTensors()
      const total = yield* withTensorScope(
        Effect.gen(function* () {
          const inner = yield* withTensorScope(Effect.sync(() => tf.scalar(2).square()))
          assert.strictEqual(liveTensors(), before + 1)
          return inner.dataSync()[0]
        }),
      )
      assert.strictEqual(total, 4)
      assert.strictEqual(liveTensors(), before)
    }),
  )

  it.effect("refuses to close over another fiber's open scope", () =>
    Effect.gen(function* () {
      const gate = yield* Deferred.make<void>()
      const opened = yield* Deferred.make<void>()
      const outer = yield* withTensorScope(Deferred.await(gate), "outer").pipe(Effect.forkChild)
      const other = yield* withTensorScope(
        Deferred.succeed(opened, undefined).pipe(Effect.andThen(Effect.never)),
        "other",
      ).pipe(Effect.forkChild)
      yield* Deferred.await(opened)
      yield* Deferred.succeed(gate, undefined)
      const exit = yield* Fiber.await(outer)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.include(Cause.pretty(exit.cause), 'Cannot close tensor scope "outer"')
      yield* Fiber.interrupt(other)
    }),
  )
})

describe("scopedTensor()", () => {
  it.effect("lives until its Scope closes", () =>
    Effect.gen(function* () {
      const before = liveTensors()
      const sum = yield* Effect.scoped(
        Effect.gen(function* () {
          const t = yield* scopedTensor(() => tf.range(0, 5))
          assert.strictEqual(liveTensors(), before + 1)
          return t.sum().dataSync()[0]
        }).pipe(withTensorScope),
      )
      assert.strictEqual(sum, 10)
      assert.strictEqual(liveTensors(), before)
    }),
  )
})

describe("assertNoTensorLeak()", () => {
  it.effect("passes a clean effect and dies naming the leak otherwise", () =>
    Effect.gen(function* () {
      yield* assertNoTensorLeak(Effect.sync(() => tf.tidy(() => tf.ones([2]).sum().dataSync()[0])))
      let leaked: tf.Tensor | undefined
      const exit = yield* assertNoTensorLeak(
        Effect.sync(() => {
          leaked = tf.ones([2])
        }),
        "leaky step",
      ).pipe(Effect.exit)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit))
        assert.match(Cause.pretty(exit.cause), /Tensor leak in leaky step: \d+ live tensors before, \d+ after \(\+1\)/)
      leaked?.dispose()
    }),
  )

  it.effect("holds across 20 SGD steps of a small conv net on wasm", () =>
    Effect.gen(function* () {
      const params = tinyParams(7)
      const images = tf.tensor4d(randomArray(2 * 32 * 32 * 3, 7), [2, 32, 32, 3])
      const optimizer = tf.train.momentum(0.01, 0.9)
      const step = withTensorScope(
        Effect.sync(() => {
          const { value, grads } = tf.variableGrads(() => tinyLoss(params, images, 7))
          optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0])
          return value.dataSync()[0]
        }),
      )
      yield* step // the first step creates the optimizer's momentum slots
      const losses = yield* assertNoTensorLeak(
        Effect.forEach(Array.from({ length: 20 }), () => step),
        "20 steps",
      )
      assert.isTrue(losses.every(Number.isFinite))
      optimizer.dispose()
      tf.dispose([images, ...Object.values(params)])
    }),
  )
})

describe("tensorsIn()", () => {
  it("finds tensors in nested arrays and plain objects, in order", () => {
    const [a, b, c] = [tf.scalar(1), tf.scalar(2), tf.scalar(3)]
    const found = tensorsIn({ loss: a, parts: [b, { deep: [c] }], count: 3, name: "x", none: null })
    assert.deepStrictEqual(found, [a, b, c])
    tf.dispose([a, b, c])
  })
  it("skips typed arrays, maps and class instances (it never looks inside them)", () => {
    const t = tf.scalar(1)
    class Holder {
      readonly t = t
    }
    assert.deepStrictEqual(tensorsIn([new Float32Array(2), new Map([["t", t]]), new Holder(), undefined, 7]), [])
    assert.deepStrictEqual(tensorsIn(t), [t])
    t.dispose()
  })
  it("appends to the array it is given", () => {
    const [a, b] = [tf.scalar(1), tf.scalar(2)]
    const out = [a]
    assert.strictEqual(tensorsIn([b], out), out)
    assert.deepStrictEqual(out, [a, b])
    tf.dispose([a, b])
  })
})
