import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Problems } from "./_problems.ts"
import { readJsonRecords } from "./_read_json.ts"
import { tempDir, writeJson } from "./json_fixtures.ts"

/** Reads `path` and returns the records of each wanted array, the keys that were not arrays, and the problems. */
function read(path: string, root: "object" | "array", arrays: ReadonlyArray<string>) {
  const records: Record<string, unknown[]> = {}
  const notArrays: Array<string> = []
  const problems = new Problems(path, true, 10)
  return readJsonRecords(path, {
    root,
    arrays,
    problems,
    sink: {
      array: (key) => {
        records[key] ??= []
      },
      batch: ({ key, values }) => {
        records[key].push(...values)
      },
      notArray: (key) => {
        notArrays.push(key)
      },
    },
  }).pipe(Effect.map(() => ({ records, notArrays, problems })))
}

describe("readJsonRecords()", () => {
  it.effect("streams the wanted arrays of a file and skips the rest", () =>
    Effect.gen(function* () {
      const path = writeJson(tempDir(), "a.json", {
        info: { images: [9] },
        images: [{ id: 1 }, { id: 2 }],
        licenses: [1, 2, 3],
        annotations: "none",
      })
      const { records, notArrays, problems } = yield* read(path, "object", ["images", "annotations"])
      assert.deepStrictEqual(records, { images: [{ id: 1 }, { id: 2 }] })
      assert.deepStrictEqual(notArrays, ["annotations"])
      assert.strictEqual(problems.total, 0)
    }),
  )
  it.effect("reads a results file's top-level array", () =>
    Effect.gen(function* () {
      const path = writeJson(tempDir(), "r.json", [{ image_id: 3, score: 0.5 }])
      const { records } = yield* read(path, "array", [""])
      assert.deepStrictEqual(records, { "": [{ image_id: 3, score: 0.5 }] })
    }),
  )
  it.effect("hands a syntax fault to the problems with its byte offset", () =>
    Effect.gen(function* () {
      const path = writeJson(tempDir(), "bad.json", '{"images": [{"id": 1}, {"id": 2,}]}')
      const { problems } = yield* read(path, "object", ["images"])
      assert.strictEqual(problems.total, 1)
      const [problem] = problems.list
      assert.strictEqual(problem._tag, "CocoJsonError")
      assert.isTrue(problem.message.startsWith(`Cannot parse "${path}" at byte 32 (in images[1])`), problem.message)
    }),
  )
  it.effect("fails with CocoReadError when the file cannot be opened", () =>
    Effect.gen(function* () {
      const path = join(tempDir(), "missing.json")
      const error = yield* Effect.flip(read(path, "object", ["images"]))
      assert.strictEqual(error._tag, "CocoReadError")
      assert.include(error.message, `Cannot read "${path}": ENOENT`)
    }),
  )
})
