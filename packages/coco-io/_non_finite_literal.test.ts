import { assert, describe, it } from "@effect/vitest"
import { nonFiniteLiteral } from "./_non_finite_literal.ts"

describe("nonFiniteLiteral()", () => {
  it("nonFiniteLiteral() names the field after the record's last key", () => {
    const record = '[{"image_id": 7, "category_id": 1, "bbox": [1, 2, 3, 4], "score": '
    assert.deepStrictEqual(nonFiniteLiteral(record, "NaN}]"), { literal: "NaN", field: "score", id: 7 })
    assert.deepStrictEqual(nonFiniteLiteral(record, "Infinity}"), { literal: "Infinity", field: "score", id: 7 })
    assert.deepStrictEqual(nonFiniteLiteral(record, "-Infinity}"), { literal: "-Infinity", field: "score", id: 7 })
    // V8 places the fault after the minus sign
    assert.deepStrictEqual(nonFiniteLiteral(`${record}-`, "Infinity}"), { literal: "-Infinity", field: "score", id: 7 })
  })

  it("nonFiniteLiteral() counts the commas before the word inside an array", () => {
    const at = (prefix: string) =>
      nonFiniteLiteral(`{"score": 1, "image_id": 2.5e3, "bbox": ${prefix}`, "NaN, 4]}")?.field
    assert.strictEqual(at("["), "bbox[0]")
    assert.strictEqual(at("[1, "), "bbox[1]")
    assert.strictEqual(at("[ 1 ,2.5,\n "), "bbox[2]")
    assert.strictEqual(nonFiniteLiteral('{"image_id": 2.5e3, "bbox": [', "NaN")?.id, 2500)
  })

  it("nonFiniteLiteral() reads only the record the word is in", () => {
    // the earlier record's image_id is not this one's
    const text = '[{"image_id": 1, "score": 1}, {"category_id": 3, "score": '
    assert.deepStrictEqual(nonFiniteLiteral(text, "NaN}"), { literal: "NaN", field: "score", id: null })
  })

  it("nonFiniteLiteral() gives up on other faults and unclear places", () => {
    assert.isUndefined(nonFiniteLiteral('{"score": ', "tru}"))
    assert.isUndefined(nonFiniteLiteral('{"score": ', "nan}"))
    assert.isUndefined(nonFiniteLiteral('{"score": -', "NaN}"))
    // not right after a key: a nested object, a string, no record start
    assert.isUndefined(nonFiniteLiteral('{"bbox": [{"x": 1}, ', "NaN"))
    assert.isUndefined(nonFiniteLiteral('{"name": "a", ', "NaN"))
    assert.isUndefined(nonFiniteLiteral('"score": ', "NaN"))
  })
})
