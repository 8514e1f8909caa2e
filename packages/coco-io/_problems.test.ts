import { assert, describe, it } from "@effect/vitest"
import { idOf, Problems } from "./_problems.ts"
import { CocoJsonError, CocoRecordError } from "./errors.ts"

const field = (f: string) => ({ field: f, problem: "must be a number" })

describe("Problems", () => {
  it("stops at the first problem unless asked for all, and reports that one", () => {
    const p = new Problems("a.json", false, 10)
    assert.isFalse(p.stop)
    p.record("annotations", 4, 17, [field("bbox[2]"), field("area")])
    assert.isTrue(p.stop)
    assert.strictEqual(p.total, 1)
    const failure = p.failure(["images", "annotations"])
    assert.instanceOf(failure, CocoRecordError)
    assert.strictEqual(failure.message, 'Cannot load "a.json": annotations[4] (id 17) field bbox[2] must be a number')
  })
  it("keeps up to `limit` problems, counts them all, and sorts them in file order", () => {
    const p = new Problems("b.json", true, 3)
    p.record("annotations", 2, null, [field("bbox")])
    p.json({ offset: 900, path: "annotations[9]", problem: "Unexpected token ']'" })
    p.record("images", 5, 1, [field("width"), field("height")])
    assert.isFalse(p.stop)
    assert.strictEqual(p.total, 4)
    assert.strictEqual(p.list.length, 3)
    const failure = p.failure(["images", "annotations"])
    assert.strictEqual(failure._tag, "CocoProblems")
    if (failure._tag !== "CocoProblems") return
    // images (first array in the file) before annotations, the JSON fault last
    assert.deepStrictEqual(
      failure.problems.map((q) => (q._tag === "CocoRecordError" ? `${q.array}[${q.index}] ${q.field}` : q._tag)),
      ["images[5] width", "annotations[2] bbox", "CocoJsonError"],
    )
    assert.strictEqual(failure.total, 4)
    assert.isTrue(failure.message.startsWith('4 problems in "b.json"; the first: Cannot load "b.json": images[5]'))
  })
  it("collecting all, reports every faulty field of a record, and counts past a limit of zero", () => {
    const p = new Problems("d.json", true, 10)
    p.record("images", 0, 1, [field("width"), field("height"), field("file_name")])
    assert.deepStrictEqual(
      p.list.map((q) => (q._tag === "CocoRecordError" ? q.field : "")),
      ["width", "height", "file_name"],
    )
    const none = new Problems("e.json", true, 0)
    none.record("images", 0, 1, [field("width"), field("height")])
    assert.deepStrictEqual([none.list.length, none.total], [0, 2])
  })
  it("records a JSON fault with its byte offset and path", () => {
    const p = new Problems("c.json", false, 1)
    p.json({ offset: 12, path: "", problem: "Unexpected end of JSON input" })
    const failure = p.failure()
    assert.instanceOf(failure, CocoJsonError)
    assert.strictEqual(failure.message, 'Cannot parse "c.json" at byte 12: Unexpected end of JSON input')
  })
})

describe("idOf()", () => {
  it("reads a numeric id (or another key), else null", () => {
    assert.strictEqual(idOf({ id: 7 }), 7)
    assert.strictEqual(idOf({ image_id: 3, id: "x" }, "image_id"), 3)
    assert.isNull(idOf({ id: "7" }))
    assert.isNull(idOf(null))
    assert.isNull(idOf(42))
    assert.isNull(idOf([1]))
  })
})
