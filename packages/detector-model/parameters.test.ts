import { assert, beforeAll, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import { readyBackend } from "./backend_fixtures.ts"
import { InvalidDetectorConfig } from "./errors.ts"
import { createParameters, disposeParameters, type ParamSpec, param } from "./parameters.ts"

beforeAll(async () => {
  await readyBackend()
})

function std(values: ArrayLike<number>): number {
  let sum = 0
  let squares = 0
  for (let i = 0; i < values.length; i++) {
    sum += values[i]
    squares += values[i] * values[i]
  }
  const mean = sum / values.length
  return Math.sqrt(squares / values.length - mean * mean)
}

const specs: ReadonlyArray<ParamSpec> = [
  // He over fan-out for a conv [kh, kw, in, out]: std sqrt(2 / (3 x 3 x 64)) = 0.0589
  { name: "conv.weight", shape: [3, 3, 16, 64], init: { kind: "heFanOut" }, trainable: true },
  // ... and for a dense [in, out]: sqrt(2 / 500) = 0.0632
  { name: "fc.weight", shape: [40, 500], init: { kind: "heFanOut" }, trainable: true },
  { name: "head.weight", shape: [100, 100], init: { kind: "normal", std: 0.01 }, trainable: true },
  { name: "bn.running_var", shape: [8], init: { kind: "constant", value: 1 }, trainable: false },
]

describe("createParameters()", () => {
  it("draws each init at its scale and lists only the trainable names", () => {
    const p = createParameters(specs, new Prng([1]).asFunction())
    assert.deepStrictEqual(p.trainable, ["conv.weight", "fc.weight", "head.weight"])
    assert.closeTo(std(param(p, "conv.weight").dataSync()), Math.sqrt(2 / (3 * 3 * 64)), 0.003)
    assert.closeTo(std(param(p, "fc.weight").dataSync()), Math.sqrt(2 / 500), 0.003)
    assert.closeTo(std(param(p, "head.weight").dataSync()), 0.01, 0.0005)
    assert.deepStrictEqual([...param(p, "bn.running_var").dataSync()], new Array(8).fill(1))
    assert.isFalse(param(p, "bn.running_var").trainable)
    assert.deepStrictEqual(param(p, "conv.weight").shape, [3, 3, 16, 64])
    disposeParameters(p)
  })
  it("gives equal weights for an equal seed and other weights for another", () => {
    const read = (seed: number) => {
      const p = createParameters(specs.slice(2, 3), new Prng([seed]).asFunction())
      const values = [...param(p, "head.weight").dataSync()]
      disposeParameters(p)
      return values
    }
    assert.deepStrictEqual(read(4), read(4))
    assert.notDeepEqual(read(4), read(5))
  })
  it("refuses a duplicate name, and param() an unknown one", () => {
    const twice = [specs[3], specs[3]]
    assert.throws(() => createParameters(twice, new Prng([1]).asFunction()), RangeError, '"bn.running_var"')
    const p = createParameters(specs.slice(3), new Prng([1]).asFunction())
    assert.throws(() => param(p, "bn.mean"), RangeError, 'unknown name, current value is "bn.mean"')
    disposeParameters(p)
  })
  it("disposeParameters() frees every variable", () => {
    const before = tf.memory().numTensors
    disposeParameters(createParameters(specs, new Prng([2]).asFunction()))
    assert.strictEqual(tf.memory().numTensors, before)
  })
})

describe("InvalidDetectorConfig", () => {
  it("says what to fix", () => {
    assert.strictEqual(
      new InvalidDetectorConfig({ issue: "rpn.bgIou (0.6) must not exceed rpn.fgIou (0.5)" }).message,
      "Cannot build the detector: invalid config, rpn.bgIou (0.6) must not exceed rpn.fgIou (0.5); fix the field named above",
    )
  })
})
