import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { deadPid, killChild, startChild } from "@sniper/testing"
import { Effect } from "effect"
import { acquireLockFile } from "./mod.ts"

const childScript = fileURLToPath(new URL("./child_fixtures.ts", import.meta.url))
const lockPath = () => join(mkdtempSync(join(tmpdir(), "sniper-lock-")), "run.lock")

describe("acquireLockFile()", () => {
  it.effect("holds the lock for its scope, refuses a second holder meanwhile, and removes it after", () =>
    Effect.gen(function* () {
      const path = lockPath()
      yield* Effect.scoped(
        Effect.gen(function* () {
          assert.isUndefined(yield* acquireLockFile(path))
          const holder = JSON.parse(readFileSync(path, "utf8"))
          assert.strictEqual(holder.pid, process.pid)
          assert.strictEqual(holder.host, hostname())
          const error = yield* Effect.scoped(acquireLockFile(path)).pipe(Effect.flip)
          assert.strictEqual(error._tag, "FileLocked")
          assert.include(error.message, `process ${process.pid} on ${hostname()}`)
        }),
      )
      assert.deepStrictEqual(readdirSync(join(path, "..")), [])
      // released on failure too
      const failed = yield* Effect.scoped(Effect.andThen(acquireLockFile(path), Effect.fail("boom"))).pipe(Effect.flip)
      assert.strictEqual(failed, "boom")
      assert.deepStrictEqual(readdirSync(join(path, "..")), [])
    }),
  )

  it("refuses a lock held by a running process, and takes it over once that process is SIGKILLed", async () => {
    const path = lockPath()
    const child = await startChild(childScript, ["lock", path], { lines: 1 })
    const held = await Effect.runPromise(Effect.flip(Effect.scoped(acquireLockFile(path))))
    assert.strictEqual(held._tag, "FileLocked")
    assert.strictEqual(held._tag === "FileLocked" ? held.pid : -1, child.pid)
    await killChild(child)
    // the killed child could not remove its lock
    assert.strictEqual(JSON.parse(readFileSync(path, "utf8")).pid, child.pid)
    const stale = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const taken = yield* acquireLockFile(path)
          assert.strictEqual(JSON.parse(readFileSync(path, "utf8")).pid, process.pid)
          return taken
        }),
      ),
    )
    assert.strictEqual(stale?.pid, child.pid)
    assert.deepStrictEqual(readdirSync(join(path, "..")), [])
  }, 60_000)

  it.effect("treats a holder on another host as running, and refuses a file it did not write", () =>
    Effect.gen(function* () {
      const path = lockPath()
      writeFileSync(path, JSON.stringify({ pid: deadPid(), host: "elsewhere", since: "2026-01-01T00:00:00Z" }))
      const other = yield* Effect.scoped(acquireLockFile(path)).pipe(Effect.flip)
      assert.strictEqual(other._tag, "FileLocked")
      assert.include(other.message, "on elsewhere holds it since 2026-01-01T00:00:00Z")
      writeFileSync(path, "not a lock")
      const garbage = yield* Effect.scoped(acquireLockFile(path)).pipe(Effect.flip)
      assert.strictEqual(garbage._tag, "FileLockError")
      assert.include(garbage.message, path)
      // a dead holder on this host is taken over without a child process too
      writeFileSync(path, JSON.stringify({ pid: deadPid(), host: hostname(), since: "2026-01-01T00:00:00Z" }))
      const taken = yield* Effect.scoped(acquireLockFile(path))
      assert.strictEqual(taken?.since, "2026-01-01T00:00:00Z")
    }),
  )
})
