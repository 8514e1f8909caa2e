import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import { passPrng, planPasses } from "./pass_plan.ts"

describe("planPasses()", () => {
  it("planPasses() cuts 4 chips into passes of 3 and 1 and draws one key per pass from the step's stream", () => {
    const passes = planPasses(4, { chipsPerPass: 3, prng: new Prng([5]).asFunction() })
    const draws = new Prng([5]).asFunction()
    assert.deepStrictEqual(passes, [
      { index: 0, start: 0, end: 3, key: Math.floor(draws() * 2 ** 32) },
      { index: 1, start: 3, end: 4, key: Math.floor(draws() * 2 ** 32) },
    ])
    assert.deepStrictEqual(
      planPasses(2, { prng: new Prng([1]).asFunction() }).map((p) => [p.start, p.end]),
      [[0, 2]],
    )
  })

  it("passPrng() streams depend on the pass's key only, and differ between passes", () => {
    const [a, b] = planPasses(2, { chipsPerPass: 1, prng: new Prng([9]).asFunction() })
    const first = passPrng(a)
    const again = passPrng({ ...a, index: 7, start: 1, end: 2 })
    const draws = [first(), first(), first()]
    assert.deepStrictEqual([again(), again(), again()], draws)
    assert.notStrictEqual(passPrng(b)(), draws[0])
  })

  it("planPasses() refuses a chipsPerPass that is not a positive integer and an empty batch", () => {
    assert.throws(() => planPasses(3, { chipsPerPass: 0, prng: Math.random }), /current value is 0/)
    assert.throws(() => planPasses(3, { chipsPerPass: 1.5, prng: Math.random }), /current value is 1.5/)
    assert.throws(() => planPasses(0, { prng: Math.random }), /at least one chip, current value is 0/)
  })
})
