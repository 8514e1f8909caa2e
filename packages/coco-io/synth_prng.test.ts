import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { SynthPrng } from "./synth_prng.ts"

describe("SynthPrng", () => {
  it("repeats for equal keys and differs for other keys", () => {
    const draw = (keys: Array<number>) => {
      const prng = new SynthPrng(keys)
      return Array.from({ length: 8 }, () => prng.nextUint32())
    }
    assert.deepStrictEqual(draw([1, 2]), draw([1, 2]))
    assert.notDeepEqual(draw([1, 2]), draw([2, 1]))
    assert.notDeepEqual(draw([1, 2]), draw([1, 2 + 2 ** 32]), "high bits of a key matter")
  })
  it("draws uniform floats in [0, 1) and integers in [lo, hi]", () => {
    const prng = new SynthPrng([7])
    const counts = new Array(10).fill(0)
    let sum = 0
    for (let i = 0; i < 20000; i++) {
      const u = prng.next()
      assert.isTrue(u >= 0 && u < 1)
      sum += u
      counts[prng.int(0, 9)]++
    }
    assert.closeTo(sum / 20000, 0.5, 0.01)
    for (const c of counts) assert.closeTo(c, 2000, 200)
  })
  it.prop("logUniform stays in [lo, hi)", { seed: Schema.Int }, ({ seed }) => {
    const prng = new SynthPrng([seed])
    for (let i = 0; i < 20; i++) {
      const v = prng.logUniform(6, 900)
      assert.isTrue(v >= 6 && v < 900)
    }
  })
  it("throws RangeError on a key that is not a safe integer", () => {
    assert.throws(() => new SynthPrng([0.5]), RangeError)
  })
})
