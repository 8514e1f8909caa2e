import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { killChild, startChild } from "@sniper/testing"
import { Effect, Fiber } from "effect"
import { removeStaleTemporaries, writeAtomic, writeFileAtomic } from "./mod.ts"

const childScript = fileURLToPath(new URL("./child_fixtures.ts", import.meta.url))
const folder = () => mkdtempSync(join(tmpdir(), "sniper-files-"))

describe("writeFileAtomic()", () => {
  it.effect("writes text, bytes and chunks in order, replacing the file, and leaves no temporary", () =>
    Effect.gen(function* () {
      const dir = folder()
      const path = join(dir, "a.json")
      yield* writeFileAtomic(path, "first")
      assert.strictEqual(readFileSync(path, "utf8"), "first")
      yield* writeFileAtomic(path, Uint8Array.of(104, 105))
      assert.strictEqual(readFileSync(path, "utf8"), "hi")
      yield* writeFileAtomic(path, [Uint8Array.of(49), new TextEncoder().encode("é"), Uint8Array.of()])
      assert.strictEqual(readFileSync(path, "utf8"), "1é")
      assert.deepStrictEqual(readdirSync(dir), ["a.json"])
    }),
  )

  it.effect("fails with FileWriteError naming the path when the folder is missing", () =>
    Effect.gen(function* () {
      const path = join(folder(), "missing", "a.json")
      const error = yield* writeFileAtomic(path, "x").pipe(Effect.flip)
      assert.strictEqual(error._tag, "FileWriteError")
      assert.include(error.message, `Cannot write "${path}": ENOENT`)
    }),
  )
})

describe("writeAtomic()", () => {
  it.effect("a failing writer leaves the previous file whole and no temporary", () =>
    Effect.gen(function* () {
      const dir = folder()
      const path = join(dir, "r.json")
      writeFileSync(path, "old")
      const error = yield* writeAtomic(path, (file) =>
        Effect.gen(function* () {
          yield* Effect.promise(() => file.writeFile("half of the new"))
          return yield* Effect.fail("stopped" as const)
        }),
      ).pipe(Effect.flip)
      assert.strictEqual(error, "stopped")
      assert.strictEqual(readFileSync(path, "utf8"), "old")
      assert.deepStrictEqual(readdirSync(dir), ["r.json"])
    }),
  )

  it.live("an interrupted writer leaves the previous file whole and no temporary", () =>
    Effect.gen(function* () {
      const dir = folder()
      const path = join(dir, "r.json")
      writeFileSync(path, "old")
      const fiber = yield* writeAtomic(path, (file) =>
        Effect.andThen(
          Effect.promise(() => file.writeFile("partial")),
          Effect.never,
        ),
      ).pipe(Effect.forkChild)
      yield* Effect.sleep("50 millis")
      assert.strictEqual(readdirSync(dir).length, 2)
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(readFileSync(path, "utf8"), "old")
      assert.deepStrictEqual(readdirSync(dir), ["r.json"])
    }),
  )

  it.effect("returns the writer's result once the file is in place", () =>
    Effect.gen(function* () {
      const path = join(folder(), "n.txt")
      const n = yield* writeAtomic(path, (file) =>
        Effect.as(
          Effect.promise(() => file.writeFile("abc")),
          3,
        ),
      )
      assert.strictEqual(n, 3)
      assert.strictEqual(readFileSync(path, "utf8"), "abc")
    }),
  )

  it("a writer killed by SIGKILL leaves one whole version, and its temporary is found stale", async () => {
    const dir = folder()
    const path = join(dir, "big.bin")
    for (const wait of [0, 23, 61]) {
      const child = await startChild(childScript, ["write", path], { lines: 2 })
      await new Promise((r) => setTimeout(r, wait))
      await killChild(child)
      const bytes = readFileSync(path)
      const newline = bytes.indexOf(10)
      const k = Number(bytes.subarray(0, newline).toString())
      assert.isAtLeast(k, 2)
      assert.strictEqual(bytes.length, newline + 1 + 2 * 1024 * 1024)
      assert.isTrue(bytes.subarray(newline + 1).every((b) => b === k % 256))
      const leftovers = readdirSync(dir).filter((n) => n !== "big.bin")
      const removed = await Effect.runPromise(removeStaleTemporaries(dir))
      assert.deepStrictEqual(removed, leftovers.sort())
      assert.deepStrictEqual(readdirSync(dir), ["big.bin"])
    }
  }, 60_000)
})
