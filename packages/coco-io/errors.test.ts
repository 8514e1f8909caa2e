import { assert, describe, it } from "@effect/vitest"
import { CocoJsonError, CocoProblems, CocoReadError, CocoRecordError, CocoWriteError } from "./errors.ts"
import { BadImage, BadImageReason } from "./image_error.ts"

describe("coco-io errors", () => {
  it("read and write errors name the file and what to check", () => {
    assert.strictEqual(
      new CocoReadError({ file: "a.json", problem: "ENOENT" }).message,
      'Cannot read "a.json": ENOENT; check the path and its permissions',
    )
    assert.strictEqual(
      new CocoWriteError({ file: "r.json", problem: "EROFS" }).message,
      'Cannot write "r.json": EROFS; check the folder exists, is writable and has space',
    )
  })
  it("CocoJsonError gives the byte offset, and the record path when there is one", () => {
    const base = { file: "a.json", offset: 120, problem: "Unexpected token ']'" }
    assert.strictEqual(
      new CocoJsonError({ ...base, path: "" }).message,
      `Cannot parse "a.json" at byte 120: Unexpected token ']'`,
    )
    assert.strictEqual(
      new CocoJsonError({ ...base, path: "annotations[3]" }).message,
      `Cannot parse "a.json" at byte 120 (in annotations[3]): Unexpected token ']'`,
    )
  })
  it("CocoRecordError names the array, index, id and field, leaving out what is unknown", () => {
    const base = { file: "a.json", array: "annotations", problem: "must be >= 0" }
    assert.strictEqual(
      new CocoRecordError({ ...base, index: 12, id: 40, field: "bbox[2]" }).message,
      'Cannot load "a.json": annotations[12] (id 40) field bbox[2] must be >= 0',
    )
    assert.strictEqual(
      new CocoRecordError({ ...base, index: -1, id: null, field: "", problem: "must be an array" }).message,
      'Cannot load "a.json": annotations must be an array',
    )
  })
  it("CocoProblems leads with the count and the first problem; one problem is just that problem", () => {
    const first = new CocoRecordError({
      file: "a.json",
      array: "images",
      index: 0,
      id: 1,
      field: "width",
      problem: "is missing",
    })
    assert.strictEqual(
      new CocoProblems({ file: "a.json", problems: [first], total: 250 }).message,
      `250 problems in "a.json"; the first: ${first.message}`,
    )
    assert.strictEqual(new CocoProblems({ file: "a.json", problems: [first], total: 1 }).message, first.message)
    assert.strictEqual(new CocoProblems({ file: "a.json", problems: [], total: 0 }).message, "no details")
  })
  it("BadImage names the image and file and gives the advice of its reason", () => {
    const bad = (reason: BadImage["reason"]) =>
      new BadImage({ imageId: 42, file: "x.jpg", reason, detail: "D" }).message
    assert.strictEqual(
      bad("missing"),
      'Cannot read image 42 ("x.jpg"): D; check the image folder and the file_name in the annotations',
    )
    assert.strictEqual(bad("too-large"), 'Cannot read image 42 ("x.jpg"): D; raise maxPixels if the image is genuine')
    const reasons = BadImageReason.literals
    const advice = new Set(reasons.map((r) => bad(r).slice('Cannot read image 42 ("x.jpg"): D; '.length)))
    assert.strictEqual(advice.size, reasons.length)
  })
})
