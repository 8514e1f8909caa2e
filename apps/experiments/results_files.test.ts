import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { temporary } from "./experiment_fixtures.ts"
import { readJson, writeJson, writeText } from "./results_files.ts"

describe("results files", () => {
  it.effect("writeJson writes two-space JSON with a final newline that readJson reads back", () =>
    Effect.gen(function* () {
      const path = join(temporary("results-"), "summary.json")
      const value = { experiment: "toy", arms: [{ arm: "a", AP: 0.25 }] }
      yield* writeJson(path, value)
      assert.strictEqual(
        readFileSync(path, "utf8"),
        '{\n  "experiment": "toy",\n  "arms": [\n    {\n      "arm": "a",\n      "AP": 0.25\n    }\n  ]\n}\n',
      )
      assert.deepStrictEqual(yield* readJson(path), value)
    }),
  )
  it.effect("writeText replaces a file's text", () =>
    Effect.gen(function* () {
      const path = join(temporary("results-"), "summary.md")
      yield* writeText(path, "old")
      yield* writeText(path, "# new\n")
      assert.strictEqual(readFileSync(path, "utf8"), "# new\n")
    }),
  )
  it.effect("readJson fails with ResultsFileError naming a missing file", () =>
    Effect.gen(function* () {
      const path = join(temporary("results-"), "missing.json")
      const error = yield* Effect.flip(readJson(path))
      assert.strictEqual(error._tag, "ResultsFileError")
      assert.strictEqual(error.path, path)
      assert.include(error.problem, "ENOENT")
    }),
  )
  it.effect("readJson fails with ResultsFileError for text that is not JSON", () =>
    Effect.gen(function* () {
      const path = join(temporary("results-"), "broken.json")
      writeFileSync(path, '{"arm": ')
      const error = yield* Effect.flip(readJson(path))
      assert.strictEqual(error._tag, "ResultsFileError")
      assert.match(error.problem, /^it is not JSON \(.+\)$/)
      assert.include(error.message, `Cannot use results file "${path}": it is not JSON`)
    }),
  )
  it.effect("writeText fails with ResultsFileError naming a path it cannot write", () =>
    Effect.gen(function* () {
      const dir = temporary("results-")
      const blocker = join(dir, "file")
      writeFileSync(blocker, "")
      const path = join(blocker, "under-a-file.json")
      const error = yield* Effect.flip(writeJson(path, {}))
      assert.strictEqual(error._tag, "ResultsFileError")
      assert.strictEqual(error.path, path)
    }),
  )
})
