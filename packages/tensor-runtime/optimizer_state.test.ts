import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Cause, Effect, Exit } from "effect"
import { isOptimizerSlot, optimizerState, restoreOptimizerState } from "./optimizer_state.ts"
import { liveTensors } from "./tensor_scope.ts"
import { loadWeights, loadWeightsInto, saveWeights } from "./weights.ts"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

/** A quadratic with two variables, so momentum and Adam slots matter. */
function problem(tag: string) {
  const w = tf.variable(tf.tensor1d([1, -2, 3]), true, `w_${tag}`)
  const b = tf.variable(tf.scalar(0.5), true, `b_${tag}`)
  const loss = () => tf.add(tf.sum(tf.square(tf.sub(w, tf.tensor1d([0.5, 0, -1])))), tf.square(b)) as tf.Scalar
  return { vars: { w, b }, loss }
}

describe("optimizerState() / restoreOptimizerState()", () => {
  for (const [label, make] of [
    ["momentum", () => tf.train.momentum(0.1, 0.9)],
    ["adam", () => tf.train.adam(0.1)],
  ] as const) {
    it.effect(`resuming ${label} from a weights file continues exactly`, () =>
      Effect.gen(function* () {
        const path = join(mkdtempSync(join(tmpdir(), "sniper-opt-")), "ckpt.safetensors")
        const a = problem(`a_${label}`)
        const optA = make()
        for (let i = 0; i < 3; i++) optA.minimize(a.loss)
        const slots = yield* optimizerState(optA)
        yield* saveWeights(path, { ...a.vars, ...slots })
        for (let i = 0; i < 2; i++) optA.minimize(a.loss)

        const before = liveTensors()
        const r = problem(`r_${label}`)
        const optR = make()
        const { tensors } = yield* loadWeights(path)
        yield* restoreOptimizerState(optR, tensors)
        yield* loadWeightsInto(path, r.vars, { ignore: isOptimizerSlot })
        tf.dispose(Object.values(tensors))
        for (let i = 0; i < 2; i++) optR.minimize(r.loss)
        assert.deepStrictEqual([...r.vars.w.dataSync()], [...a.vars.w.dataSync()])
        assert.deepStrictEqual([...r.vars.b.dataSync()], [...a.vars.b.dataSync()])
        assert.isAbove(liveTensors(), before) // the restored slots and variables live on
        optA.dispose()
        optR.dispose()
        tf.dispose([...Object.values(a.vars), ...Object.values(r.vars)])
      }),
    )
  }

  it.effect("restores Adam's running beta powers bit for bit (its setWeights recomputes them with pow)", () =>
    Effect.gen(function* () {
      const a = problem("beta_a")
      const optA = tf.train.adam(0.1)
      for (let i = 0; i < 57; i++) optA.minimize(a.loss)
      const slots = yield* optimizerState(optA)
      const optR = tf.train.adam(0.1)
      yield* restoreOptimizerState(optR, slots)
      const powers = (o: tf.Optimizer) => {
        const { accBeta1, accBeta2 } = o as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable }
        return [accBeta1.dataSync()[0], accBeta2.dataSync()[0]]
      }
      assert.deepStrictEqual(powers(optR), powers(optA))
      tf.dispose(Object.values(slots))
      optA.dispose()
      optR.dispose()
      tf.dispose(Object.values(a.vars))
    }),
  )
})

describe("optimizer slot names", () => {
  it.effect("are optimizer/<4-digit position>/<tfjs name>, and only those are slots", () =>
    Effect.gen(function* () {
      const { vars, loss } = problem("names")
      const optimizer = tf.train.momentum(0.1, 0.9)
      optimizer.minimize(loss, false, [vars.w, vars.b])
      const state = yield* optimizerState(optimizer)
      const names = Object.keys(state)
      // momentum keeps the iteration count, then one accumulator per variable
      assert.strictEqual(names.length, 3)
      names.forEach((name, i) => {
        assert.match(name, new RegExp(`^optimizer/${String(i).padStart(4, "0")}/`))
        assert.isTrue(isOptimizerSlot(name))
      })
      assert.isFalse(isOptimizerSlot("w_names"))
      assert.isFalse(isOptimizerSlot("backbone/optimizer/0000/x"))
      tf.dispose([...Object.values(state), vars.w, vars.b])
      optimizer.dispose()
    }),
  )
  it.effect("restoring refuses a slot name without a position", () =>
    Effect.gen(function* () {
      const optimizer = tf.train.momentum(0.1, 0.9)
      const t = tf.scalar(1)
      const exit = yield* Effect.exit(restoreOptimizerState(optimizer, { "optimizer/iter": t }))
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""), "optimizer/<position>/<slot>")
      t.dispose()
      optimizer.dispose()
    }),
  )
})
