import { mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, dirname, join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { deadPid } from "@sniper/testing"
import { Effect } from "effect"
import { isProcessAlive, removeStaleTemporaries, temporaryPath, temporaryWriter, writeAtomic } from "./mod.ts"

describe("temporaryPath() and temporaryWriter()", () => {
  it("names a hidden file beside the target, with this process's id, fresh at every call", () => {
    const a = temporaryPath("/runs/x/config.json")
    const b = temporaryPath("/runs/x/config.json")
    assert.notStrictEqual(a, b)
    assert.strictEqual(dirname(a), "/runs/x")
    assert.match(basename(a), new RegExp(`^\\.config\\.json\\.${process.pid}-\\d+\\.partial$`))
    assert.strictEqual(temporaryWriter(basename(a)), process.pid)
  })

  it("recognises the names of earlier versions, and nothing else", () => {
    assert.strictEqual(temporaryWriter("config.json.tmp-412"), 412)
    assert.strictEqual(temporaryWriter(".checkpoint.safetensors.tmp-77-3"), 77)
    assert.strictEqual(temporaryWriter("detections_val.json.9001.partial"), 9001)
    assert.strictEqual(temporaryWriter(".log.jsonl.5-12.partial"), 5)
    for (const name of ["config.json", "log.jsonl", "checkpoint.safetensors", "a.partial", "x.tmp", "run.lock"])
      assert.isUndefined(temporaryWriter(name), name)
  })
})

describe("isProcessAlive()", () => {
  it("is true for this process and false for one that ended or cannot exist", () => {
    assert.isTrue(isProcessAlive(process.pid))
    assert.isFalse(isProcessAlive(deadPid()))
    assert.isFalse(isProcessAlive(0))
    assert.isFalse(isProcessAlive(-1))
  })
})

describe("removeStaleTemporaries()", () => {
  it.effect("removes the temporaries of ended processes, keeps those of running ones and every other file", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "sniper-stale-"))
      const dead = deadPid()
      const names = {
        deadNew: `.config.json.${dead}-1.partial`,
        deadOld: `log.jsonl.tmp-${dead}`,
        alive: `.metrics.json.${process.pid}-999999.partial`,
        kept: "config.json",
      }
      for (const name of Object.values(names)) writeFileSync(join(dir, name), "x")
      assert.deepStrictEqual(yield* removeStaleTemporaries(dir), [names.deadNew, names.deadOld].sort())
      assert.deepStrictEqual(readdirSync(dir).sort(), [names.alive, names.kept].sort())
      // a write in progress in this folder is never taken for stale
      const path = join(dir, "slow.json")
      yield* writeAtomic(path, (file) =>
        Effect.gen(function* () {
          yield* Effect.promise(() => file.writeFile("slow"))
          assert.strictEqual(readdirSync(dir).length, 3)
          assert.deepStrictEqual(yield* removeStaleTemporaries(dir), [])
        }),
      )
      assert.deepStrictEqual(readdirSync(dir).sort(), [names.alive, names.kept, "slow.json"].sort())
    }),
  )
  it.effect("fails with FileWriteError naming a missing folder", () =>
    Effect.gen(function* () {
      const error = yield* removeStaleTemporaries("/no/such/folder").pipe(Effect.flip)
      assert.include(error.message, "/no/such/folder")
    }),
  )
})
