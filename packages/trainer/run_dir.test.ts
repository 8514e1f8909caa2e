import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { killChild, startChild } from "@sniper/testing"
import { Effect, Schema } from "effect"
import { TrainConfig } from "./config.ts"
import type { DataFingerprint } from "./data_fingerprint.ts"
import { captureLogs, messages, silentLogs } from "./log_fixtures.ts"
import { openRunDir, prepareRunDir, writeFileAtomic } from "./run_dir.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

/** The child process of the crash tests. */
const childScript = fileURLToPath(new URL("./run_child_fixtures.ts", import.meta.url))

const folder = () => mkdtempSync(join(tmpdir(), "trainer-run-dir-"))
const data: DataFingerprint = {
  train: { annotations: "/data/instances_train.json", sha256: "ab".repeat(32), images: 6 },
  val: { annotations: "/data/instances_val.json", sha256: "cd".repeat(32), images: 2 },
}
const config = tinyTrainConfig()
const prepare = (dir: string, c = config, extra: { data?: DataFingerprint; extend?: boolean } = {}) =>
  prepareRunDir(dir, c, { data: extra.data ?? data, extend: extra.extend }).pipe(Effect.provide(silentLogs))

describe("prepareRunDir()", () => {
  it.effect("writes config.json and data.json in a new folder, and accepts the same run again", () =>
    Effect.gen(function* () {
      const dir = folder()
      yield* prepare(dir)
      assert.deepStrictEqual(
        JSON.parse(readFileSync(join(dir, "config.json"), "utf8")),
        Schema.encodeSync(TrainConfig)(config),
      )
      assert.deepStrictEqual(JSON.parse(readFileSync(join(dir, "data.json"), "utf8")), data)
      yield* prepare(dir)
      assert.deepStrictEqual(readdirSync(dir).sort(), ["config.json", "data.json"])
    }),
  )

  it.effect("refuses another configuration, naming every field that differs", () =>
    Effect.gen(function* () {
      const dir = folder()
      yield* prepare(dir)
      const other = tinyTrainConfig({ seed: 99, optimizer: { ...config.optimizer, learningRate: 0.5 } })
      const error = yield* prepare(dir, other).pipe(Effect.flip)
      assert.strictEqual(error._tag, "RunMismatch")
      assert.include(error.message, `Cannot resume the run in "${dir}"`)
      assert.include(error.message, "seed is 99 here but 1 in config.json")
      assert.include(error.message, "optimizer.learningRate is 0.5 here but 0.001 in config.json")
    }),
  )

  it.effect("refuses data changed under the same path, naming the annotation file and data.json", () =>
    Effect.gen(function* () {
      const dir = folder()
      yield* prepare(dir)
      const shrunk = { ...data, train: { ...data.train, sha256: "ef".repeat(32), images: 2 } }
      const error = yield* prepare(dir, config, { data: shrunk }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "RunMismatch")
      assert.include(error.message, 'the train annotations "/data/instances_train.json" changed since the run started')
      assert.include(error.message, "(6 images, sha256 abababababab… then; 2 images")
      assert.include(error.message, "(data.json)")
    }),
  )

  it.effect("grows epochs only with extend, and then records the new count", () =>
    Effect.gen(function* () {
      const dir = folder()
      yield* prepare(dir)
      const longer = tinyTrainConfig({ epochs: config.epochs + 3 })
      const refused = yield* prepare(dir, longer).pipe(Effect.flip)
      assert.include(
        refused.message,
        `epochs is ${config.epochs + 3} here but ${config.epochs} in config.json (to train a run for more epochs, extend it)`,
      )
      const shorter = yield* prepare(dir, tinyTrainConfig({ epochs: 1 }), { extend: true }).pipe(Effect.flip)
      assert.include(shorter.message, "extending can only add epochs")
      // extend allows epochs and nothing else
      const both = yield* prepare(dir, tinyTrainConfig({ epochs: 9, seed: 5 }), { extend: true }).pipe(Effect.flip)
      assert.include(both.message, "seed is 5 here but 1")
      assert.notInclude(both.message, "epochs")
      const logs = captureLogs()
      yield* prepareRunDir(dir, longer, { data, extend: true }).pipe(Effect.provide(logs.layer))
      assert.deepStrictEqual(messages(logs.lines), [
        `extending the run from ${config.epochs} to ${config.epochs + 3} epochs`,
      ])
      assert.strictEqual(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).epochs, config.epochs + 3)
      yield* prepare(dir, longer)
    }),
  )

  it.effect("adopts a folder of an older version without data.json, and names a config.json that is not JSON", () =>
    Effect.gen(function* () {
      const dir = folder()
      yield* prepare(dir)
      const dataPath = join(dir, "data.json")
      writeFileSync(dataPath, "")
      const broken = yield* prepare(dir).pipe(Effect.flip)
      assert.strictEqual(broken._tag, "RunFileError")
      assert.include(broken.message, dataPath)
      rmSync(dataPath)
      yield* prepare(dir)
      assert.deepStrictEqual(JSON.parse(readFileSync(dataPath, "utf8")), data)
      writeFileSync(join(dir, "config.json"), "{ half")
      const error = yield* prepare(dir).pipe(Effect.flip)
      assert.strictEqual(error._tag, "RunFileError")
      assert.include(error.message, `"${join(dir, "config.json")}": it is not JSON`)
    }),
  )
})

describe("openRunDir()", () => {
  it.effect("creates the folder, holds run.lock for its scope and refuses a second opener meanwhile", () =>
    Effect.gen(function* () {
      const dir = join(folder(), "nested", "run")
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* openRunDir(dir)
          assert.strictEqual(JSON.parse(readFileSync(join(dir, "run.lock"), "utf8")).pid, process.pid)
          const error = yield* Effect.scoped(openRunDir(dir)).pipe(Effect.flip)
          assert.strictEqual(error._tag, "RunLocked")
          assert.include(error.message, `Cannot train in "${dir}": process ${process.pid} on ${hostname()}`)
        }),
      ).pipe(Effect.provide(silentLogs))
      assert.deepStrictEqual(readdirSync(dir), [])
    }),
  )

  it("refuses a folder a running process holds; after that process is SIGKILLed, takes the lock over and removes its temporaries", async () => {
    const dir = folder()
    const child = await startChild(childScript, ["lock", dir], { lines: 1 })
    const held = await Effect.runPromise(Effect.scoped(openRunDir(dir)).pipe(Effect.flip, Effect.provide(silentLogs)))
    assert.strictEqual(held._tag, "RunLocked")
    assert.include(held.message, `process ${child.pid} on`)
    // a write of the child that a kill would interrupt, and files of earlier versions' writers
    const leftovers = [`.checkpoint.safetensors.${child.pid}-7.partial`, `config.json.tmp-${child.pid}`]
    for (const name of leftovers) writeFileSync(join(dir, name), "half")
    writeFileSync(join(dir, "log.jsonl"), "")
    await killChild(child)
    const logs = captureLogs()
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* openRunDir(dir)
          assert.strictEqual(JSON.parse(readFileSync(join(dir, "run.lock"), "utf8")).pid, process.pid)
        }),
      ).pipe(Effect.provide(logs.layer)),
    )
    assert.deepStrictEqual(messages(logs.lines), [
      `run.lock: took over from process ${child.pid}, which no longer runs`,
      `removed temporary files a killed run left: ${[...leftovers].sort().join(", ")}`,
    ])
    assert.deepStrictEqual(readdirSync(dir), ["log.jsonl"])
  }, 60_000)
})

describe("writeFileAtomic()", () => {
  it.effect("replaces a file whole and reports a failure as RunFileError naming the path", () =>
    Effect.gen(function* () {
      const dir = folder()
      const path = join(dir, "result.json")
      yield* writeFileAtomic(path, "one")
      yield* writeFileAtomic(path, "two")
      assert.strictEqual(readFileSync(path, "utf8"), "two")
      const missing = join(dir, "no", "result.json")
      const error = yield* writeFileAtomic(missing, "x").pipe(Effect.flip)
      assert.strictEqual(error._tag, "RunFileError")
      assert.include(error.message, missing)
      assert.isFalse(existsSync(join(dir, "no")))
    }),
  )
})
