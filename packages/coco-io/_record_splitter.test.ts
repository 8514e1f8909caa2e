import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { RecordSplitter, type SplitProblem } from "./_record_splitter.ts"

/** Feeds `text` in chunks of `chunk` bytes; returns the records of each wanted array, or the first problem. */
function split(
  text: string | Buffer,
  chunk: number,
  root: "object" | "array" = "object",
  drop?: Readonly<Record<string, string>>,
) {
  const out: Record<string, unknown[]> = {}
  const notArrays: Record<string, unknown> = {}
  const splitter = new RecordSplitter(
    root,
    new Set(["images", "annotations", ""]),
    {
      array: (key) => {
        out[key] ??= []
      },
      batch: ({ key, first, values }) => {
        const list = (out[key] ??= [])
        assert.strictEqual(first, list.length)
        list.push(...values)
      },
      notArray: (key, value) => {
        notArrays[key] = value
      },
    },
    { drop },
  )
  const bytes = typeof text === "string" ? Buffer.from(text) : text
  let problem: SplitProblem | undefined
  for (let i = 0; i < bytes.length && problem === undefined; i += chunk) {
    problem = splitter.push(bytes.subarray(i, i + chunk))
  }
  problem ??= splitter.end()
  return { out, notArrays, problem }
}

const Value = Schema.Union([
  Schema.Struct({ s: Schema.String, n: Schema.Finite, a: Schema.Array(Schema.Union([Schema.Finite, Schema.String])) }),
  Schema.String,
  Schema.Finite,
  Schema.Boolean,
  Schema.Null,
])
const Records = Schema.Array(Value).check(Schema.isMaxLength(12))
const Chunk = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 40 }))
const Indent = Schema.Literals([0, 1, 2])

const Segmentation = Schema.Union([
  Schema.Array(Schema.Array(Schema.Finite)),
  Schema.Struct({ counts: Schema.String, size: Schema.Array(Schema.Int) }),
  Schema.String,
  Schema.Finite,
])
const Annotation = Schema.Struct({ id: Schema.Finite, segmentation: Segmentation, note: Schema.String })

describe("RecordSplitter", () => {
  it.prop(
    "reads a dropped field's array or object as 0 and leaves everything else alone",
    [Schema.Array(Annotation).check(Schema.isMaxLength(8)), Records, Chunk, Indent],
    ([annotations, images, chunk, indent]) => {
      const text = JSON.stringify({ images, annotations }, null, indent)
      const expected = JSON.parse(text)
      for (const a of expected.annotations) if (typeof a.segmentation === "object") a.segmentation = 0
      const { out, problem } = split(text, chunk, "object", { annotations: "segmentation" })
      assert.isUndefined(problem)
      assert.deepStrictEqual(out.annotations, expected.annotations)
      assert.deepStrictEqual(out.images, expected.images)
    },
  )

  it("drops only the record's own key, not a value or a nested key of that name", () => {
    const text = JSON.stringify({
      annotations: [
        { note: "segmentation", x: { segmentation: [1] }, "segmentation\\": [2], segmentation: [[1, 2]], y: 3 },
        { segmentation: { counts: 'a]b}"', size: [1, 2] }, z: ["segmentation", { segmentation: 1 }] },
      ],
    })
    for (const chunk of [1, 2, 7, 1000]) {
      const { out, problem } = split(text, chunk, "object", { annotations: "segmentation" })
      assert.isUndefined(problem)
      assert.deepStrictEqual(out.annotations, [
        { note: "segmentation", x: { segmentation: [1] }, "segmentation\\": [2], segmentation: 0, y: 3 },
        { segmentation: 0, z: ["segmentation", { segmentation: 1 }] },
      ])
    }
  })

  it("names the true byte offset of a fault next to a dropped field", () => {
    const text = '{"annotations": [{"segmentation": [[1, 2]], "id": 1}, {"segmentation": [[3]], "id": 01}]}'
    const { problem } = split(text, 1000, "object", { annotations: "segmentation" })
    assert.deepStrictEqual(problem, {
      offset: text.indexOf("01") + 1, // V8 faults the digit after a leading 0
      path: "annotations[1]",
      problem: "Unexpected number",
    })
  })

  it.prop(
    "yields the records JSON.parse sees, for any chunk size and layout",
    [Records, Records, Value, Chunk, Indent],
    ([images, annotations, other, chunk, indent]) => {
      const text = JSON.stringify({ info: other, images, skipped: [images], annotations }, null, indent)
      const expected = JSON.parse(text)
      const { out, problem } = split(text, chunk)
      assert.isUndefined(problem)
      assert.deepStrictEqual(out.images ?? [], expected.images)
      assert.deepStrictEqual(out.annotations ?? [], expected.annotations)
    },
  )

  it.prop("splits a top-level array in array mode", [Records, Chunk], ([records, chunk]) => {
    const text = ` ${JSON.stringify(records, null, 1)}\n`
    const { out, problem } = split(text, chunk, "array")
    assert.isUndefined(problem)
    assert.deepStrictEqual(out[""] ?? [], JSON.parse(text))
  })

  it.prop("reports every proper prefix of a file as ending early", [Records, Chunk], ([images, chunk]) => {
    const text = JSON.stringify({ images, info: { a: [1, "x"] } })
    const bytes = Buffer.from(text)
    for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 17))) {
      const { problem } = split(bytes.subarray(0, cut), chunk)
      assert.isDefined(problem)
      assert.isAtMost(problem!.offset, cut)
    }
  })

  it("names the byte offset of a fault V8 gives no position for", () => {
    // "é" takes 2 bytes: the N of NaN is at character 40, byte 41.
    const text = '{"images": [{"id": "é"}, {"id": 2, "w": NaN}]}'
    assert.strictEqual(Buffer.from(text).indexOf("NaN"), 41)
    for (const chunk of [1, 5, 1000]) {
      assert.deepStrictEqual(split(text, chunk).problem, {
        offset: 41,
        path: "images[1]",
        problem: "Unexpected token 'N'",
      })
    }
  })

  it("names the byte offset of a fault V8 positions", () => {
    const text = '{"images": [{"id": 1}, {"id": 2, "w": [1 2]}]}'
    assert.deepStrictEqual(split(text, 1000).problem, {
      offset: 41,
      path: "images[1]",
      problem: "Expected ',' or ']' after array element",
    })
  })

  it("checks the punctuation between records and keys", () => {
    const cases: ReadonlyArray<readonly [string, number, string]> = [
      ['{"images": [{"id": 1} {"id": 2}]}', 22, "expected ',' or ']' after a record, found '{'"],
      ['{"images": [{"id": 1},]}', 22, "expected a record, found ']'"],
      ['{"images": []  "annotations": []}', 15, "expected ',' or '}' after the value of \"images\", found '\"'"],
      ['{"images" []}', 10, "expected ':' after key \"images\", found '['"],
      ['{"images": [], "images": []}', 15, 'duplicate key "images"'],
      ['{"images": []} []', 15, "unexpected '[' after the end of the JSON object"],
      ["[]", 0, "expected a JSON object at the top level, found an array"],
      ["", 0, "unexpected end of JSON input: the file is empty"],
      ['{"info": {"a": tru}, "images": []}', 18, "Unexpected token '}'"],
    ]
    for (const [text, offset, problem] of cases) {
      assert.deepStrictEqual(
        { offset: split(text, 3).problem?.offset, problem: split(text, 3).problem?.problem },
        { offset, problem },
        text,
      )
    }
  })

  it("hands over a wanted key whose value is not an array", () => {
    const { notArrays, problem } = split('{"images": {"id": 1}, "annotations": "x"}', 4)
    assert.isUndefined(problem)
    assert.deepStrictEqual(notArrays, { images: { id: 1 }, annotations: "x" })
  })

  it("skips a 10 MB single-line string without holding more than the string", { timeout: 60_000 }, () => {
    const big = "x".repeat(10 << 20)
    const text = `{"info": {"description": "${big}"}, "images": [{"id": 1, "note": "${big}"}]}`
    const { out, problem } = split(text, 1 << 20)
    assert.isUndefined(problem)
    assert.strictEqual((out.images[0] as { note: string }).note.length, big.length)
  })

  it("accepts a UTF-8 byte order mark", () => {
    const { out, problem } = split('\ufeff{"images": [1]}', 1)
    assert.isUndefined(problem)
    assert.deepStrictEqual(out.images, [1])
  })

  it("counts bytes, not characters, in offsets after 3- and 4-byte characters", () => {
    // "€" takes 3 bytes and "😀" 4 (two UTF-16 units): the fault at the "}" after "tru" is at its byte index
    const text = '{"images": [{"name": "é€😀"}, {"name": "x", "bad": tru}]}'
    const byte = Buffer.from(text).indexOf("tru}") + 3
    assert.notStrictEqual(byte, text.indexOf("tru}") + 3)
    for (const chunk of [1, 3, 1000]) {
      assert.deepStrictEqual(split(text, chunk).problem, {
        offset: byte,
        path: "images[1]",
        problem: "Unexpected token '}'",
      })
    }
  })

  it("checks the top level in both modes and what follows the last key", () => {
    const cases: ReadonlyArray<readonly [string, "object" | "array", number, string]> = [
      ['{"images": [1], }', "object", 16, "expected a double-quoted key, found '}'"],
      ['{"images": [1]} x', "object", 16, "unexpected 'x' after the end of the JSON object"],
      ["   ", "object", 3, "unexpected end of JSON input: the file is empty"],
      ['{"images": [1]}', "array", 0, "expected a JSON array at the top level, found an object"],
      ["[1 2]", "array", 3, "expected ',' or ']' after a record, found '2'"],
    ]
    for (const [text, root, offset, problem] of cases) {
      const found = split(text, 2, root).problem
      assert.deepStrictEqual({ offset: found?.offset, problem: found?.problem }, { offset, problem }, text)
    }
  })

  it("numbers records continuously across batches and chunks", () => {
    const images = Array.from({ length: 300 }, (_, id) => ({ id, file_name: `${id}.jpg` }))
    for (const chunk of [7, 64, 1 << 16]) {
      // split() checks that each batch's `first` is the count of records before it
      const { out, problem } = split(JSON.stringify({ images }), chunk)
      assert.isUndefined(problem)
      assert.deepStrictEqual(out.images, images)
    }
  })
})
