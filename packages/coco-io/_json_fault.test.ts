import { assert, describe, it } from "@effect/vitest"
import { jsonFault } from "./_json_fault.ts"

/** The fault JSON.parse reports for `text`, located and cleaned. */
function fault(text: string) {
  try {
    JSON.parse(text)
  } catch (error) {
    return jsonFault(text, error)
  }
  throw new Error(`expected ${text} to be invalid JSON`)
}

describe("jsonFault()", () => {
  it("takes V8's position when it gives one, without the position or line in the text", () => {
    // {"a" 1}: the colon is missing at character 5; ["x" ends at 4 without a closing bracket
    assert.deepStrictEqual(fault('{"a" 1}'), { at: 5, problem: "Expected ':' after property name" })
    assert.deepStrictEqual(fault('["x"'), { at: 4, problem: "Expected ',' or ']' after array element" })
    assert.deepStrictEqual(fault('{"a": 1}}'), { at: 8, problem: "Unexpected non-whitespace character after JSON" })
  })
  it("finds the first failing character by bisection when V8 names none", () => {
    // [1,] fails at the ] (3); [NaN] at the N (1); {"a": tru} only at the } (9): "tru" could still become "true"
    assert.deepStrictEqual(fault("[1,]"), { at: 3, problem: "Unexpected token ']'" })
    assert.deepStrictEqual(fault("[NaN]"), { at: 1, problem: "Unexpected token 'N'" })
    assert.deepStrictEqual(fault('{"a": tru}'), { at: 9, problem: "Unexpected token '}'" })
  })
  it("keeps a non-Error cause as its text and clamps a position past the end", () => {
    assert.deepStrictEqual(jsonFault("[1,]", "boom"), { at: 3, problem: "boom" })
    assert.deepStrictEqual(jsonFault("[1", new SyntaxError("Unexpected end of JSON input at position 9")), {
      at: 2,
      problem: "Unexpected end of JSON input",
    })
  })
  it("places the fault of an empty or truncated text at its end", () => {
    assert.deepStrictEqual(fault(""), { at: 0, problem: "Unexpected end of JSON input" })
    // a text that stops early is at fault where it stops
    for (const text of ["[1, 2", '{"a": [1, {"b": 2}', '{"a": "b'])
      assert.strictEqual(fault(text).at, text.length, text)
  })
  it("shortens a long message to 160 characters", () => {
    const long = new SyntaxError(`${"x".repeat(300)} at position 1`)
    const { problem } = jsonFault("[]]", long)
    assert.strictEqual(problem, `${"x".repeat(160)}...`)
  })
})
