import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { Column, float64, int32, uint8 } from "./_columns.ts"

describe("Column", () => {
  it("grows past its capacity and trims to its length", () => {
    const c = new Column(int32, 2)
    for (const v of [5, -1, 7, 9, 11]) c.push(v)
    assert.strictEqual(c.length, 5)
    const out = c.toArray()
    assert.instanceOf(out, Int32Array)
    assert.deepStrictEqual([...out], [5, -1, 7, 9, 11])
  })
  it("hands out a copy: later pushes do not change an earlier array", () => {
    const c = new Column(float64, 1)
    c.push(0.5)
    const first = c.toArray()
    c.push(1.5)
    assert.deepStrictEqual([...first], [0.5])
    assert.deepStrictEqual([...c.toArray()], [0.5, 1.5])
  })
  it("stores values as its array type does (uint8 wraps)", () => {
    const c = new Column(uint8)
    c.push(1)
    c.push(256 + 3)
    assert.deepStrictEqual([...c.toArray()], [1, 3])
    assert.strictEqual(new Column(uint8).toArray().length, 0)
  })
  it.prop(
    "returns exactly what was pushed, for any capacity",
    { values: Schema.Array(Schema.Finite), capacity: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 8 })) },
    ({ values, capacity }) => {
      const c = new Column(float64, capacity)
      for (const v of values) c.push(v)
      assert.deepStrictEqual([...c.toArray()], [...values])
    },
  )
})
