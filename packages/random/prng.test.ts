import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { normals, Prng } from "./mod.ts"

describe("Prng", () => {
  it("repeats its sequence for equal keys and differs for other keys", () => {
    const a = Array.from(
      { length: 5 },
      (
        (p) => () =>
          p.nextUint32()
      )(new Prng([1, 2, 3])),
    )
    const b = Array.from(
      { length: 5 },
      (
        (p) => () =>
          p.nextUint32()
      )(new Prng([1, 2, 3])),
    )
    const c = Array.from(
      { length: 5 },
      (
        (p) => () =>
          p.nextUint32()
      )(new Prng([1, 2, 4])),
    )
    assert.deepStrictEqual(a, b)
    assert.notDeepEqual(a, c)
  })
  it("keys large ids by all their bits", () => {
    assert.notStrictEqual(new Prng([2 ** 40]).nextUint32(), new Prng([2 ** 40 + 2 ** 32]).nextUint32())
  })
  it("draws integers in range, roughly uniformly", () => {
    const p = new Prng([9])
    const counts = [0, 0, 0, 0]
    for (let k = 0; k < 4000; k++) counts[p.int(56, 59) - 56]++
    for (const n of counts) assert.isTrue(n > 850 && n < 1150, `${counts}`)
  })
  it("shuffles into a permutation", () => {
    const v = new Prng([4]).shuffle(Int32Array.from({ length: 50 }, (_, k) => k))
    assert.deepStrictEqual(
      Array.from(v).sort((x, y) => x - y),
      Array.from({ length: 50 }, (_, k) => k),
    )
  })
  it("rejects keys that are not safe integers", () => {
    assert.throws(() => new Prng([1.5]), RangeError, "safe integers")
  })
  it("draws uniform floats in [0, 1) with mean 1/2", () => {
    const p = new Prng([7])
    let sum = 0
    for (let i = 0; i < 20000; i++) {
      const u = p.next()
      assert.isTrue(u >= 0 && u < 1)
      sum += u
    }
    assert.closeTo(sum / 20000, 0.5, 0.01)
  })
  it.prop("logUniform stays in [lo, hi)", { seed: Schema.Int }, ({ seed }) => {
    const p = new Prng([seed])
    for (let i = 0; i < 20; i++) {
      const v = p.logUniform(6, 900)
      assert.isTrue(v >= 6 && v < 900)
    }
  })
  it("draws normals with mean 0 and variance 1", () => {
    const x = normals(20001, new Prng([3]).asFunction())
    const mean = x.reduce((a, b) => a + b, 0) / x.length
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length
    assert.closeTo(mean, 0, 0.03)
    assert.closeTo(variance, 1, 0.05)
  })
})
