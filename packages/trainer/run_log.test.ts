import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { silentLogs } from "./log_fixtures.ts"
import { appendLog, cutLog, type LogRecord, loggedSteps, logPath, recordsUpTo } from "./run_log.ts"

const folder = () => mkdtempSync(join(tmpdir(), "trainer-log-"))
const record = (step: number, total = step / 10): LogRecord => ({
  step,
  epoch: 1,
  lr: 0.001,
  total,
  rpnClass: 0.1,
  rpnBox: 0.2,
  roiClass: 0.3,
  roiBox: 0.4,
  counts: { rpnFg: 3, rpnBg: 5, rois: 8, roiFg: 2 },
})
const line = (r: LogRecord) => `${JSON.stringify(r)}\n`

describe("recordsUpTo()", () => {
  it("keeps one record per step up to the step, the first written, in step order, dropping broken lines", () => {
    const text = [
      line(record(1)),
      line(record(2)),
      line(record(3)),
      line(record(2, 9)), // a resumed run of older versions logged step 2 again
      '{"step":4,"epoch":1,"lr"', // a kill in mid-append
      "",
      "not json",
      '{"step":5}',
    ].join("")
    assert.deepStrictEqual(recordsUpTo(text, 2), [record(1), record(2)])
    assert.deepStrictEqual(recordsUpTo(text, 10), [record(1), record(2), record(3)])
    assert.deepStrictEqual(recordsUpTo(text, 0), [])
  })

  it.prop(
    "of a log written step by step is the prefix up to the step",
    [
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 30 })),
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 40 })),
    ],
    ([n, cut]) => {
      const records = Array.from({ length: n }, (_, i) => record(i + 1))
      assert.deepStrictEqual(recordsUpTo(records.map(line).join(""), cut), records.slice(0, cut))
    },
  )
})

describe("appendLog(), cutLog() and loggedSteps()", () => {
  it.effect("appends records and cuts the file back to a checkpoint's step atomically", () =>
    Effect.gen(function* () {
      const dir = folder()
      const path = logPath(dir)
      assert.deepStrictEqual(yield* cutLog(path, 3), [])
      assert.strictEqual(yield* loggedSteps(path), 0)
      assert.isFalse(existsSync(path))
      for (let step = 1; step <= 5; step++) yield* appendLog(path, record(step))
      appendFileSync(path, '{"step":6,"ep')
      // the half-written line is no step
      assert.strictEqual(yield* loggedSteps(path), 5)
      const kept = yield* cutLog(path, 3)
      assert.deepStrictEqual(kept, [record(1), record(2), record(3)])
      assert.strictEqual(readFileSync(path, "utf8"), [1, 2, 3].map((s) => line(record(s))).join(""))
      assert.deepStrictEqual(readdirSync(dir), ["log.jsonl"])
      // nothing to cut: the file is left as it is
      const before = readFileSync(path, "utf8")
      assert.deepStrictEqual(yield* cutLog(path, 3), kept)
      assert.strictEqual(yield* loggedSteps(path), 3)
      assert.strictEqual(readFileSync(path, "utf8"), before)
      // no checkpoint: nothing is kept
      assert.deepStrictEqual(yield* cutLog(path, 0), [])
      assert.strictEqual(readFileSync(path, "utf8"), "")
    }).pipe(Effect.provide(silentLogs)),
  )

  it.effect("fails with RunFileError naming log.jsonl when it cannot be read or appended to", () =>
    Effect.gen(function* () {
      const dir = folder()
      writeFileSync(join(dir, "not-a-folder"), "")
      const error = yield* appendLog(logPath(join(dir, "not-a-folder")), record(1)).pipe(Effect.flip)
      assert.strictEqual(error._tag, "RunFileError")
      assert.include(error.message, join(dir, "not-a-folder", "log.jsonl"))
    }),
  )
})
