import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { demoConfig } from "@sniper/trainer"
import { Effect } from "effect"
import { readConfigJson, readTrainConfig } from "./_train_config.ts"

function write(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "sniper-config-")), "config.json")
  writeFileSync(path, content)
  return path
}

describe("readConfigJson() and readTrainConfig()", () => {
  it.effect("read a configuration file: the JSON as it is, or decoded into a TrainConfig", () =>
    Effect.gen(function* () {
      const overlay = write('{"epochs": 3, "detector": {"numClasses": 4}}')
      assert.deepStrictEqual(yield* readConfigJson(overlay, { field: "--config" }), {
        epochs: 3,
        detector: { numClasses: 4 },
      })
      const whole = write(JSON.stringify({ ...demoConfig, name: "from-file", seed: 11 }))
      const config = yield* readTrainConfig(whole, { field: "--config" })
      assert.deepStrictEqual([config.name, config.seed], ["from-file", 11])
    }),
  )

  it.effect("name the flag and the file when it cannot be read, with the hint", () =>
    Effect.gen(function* () {
      const path = join(tmpdir(), "no-such-run", "config.json")
      const error = yield* Effect.flip(readConfigJson(path, { field: "--run-dir", hint: "is it a run folder?" }))
      assert.strictEqual(error._tag, "InvalidTrainConfig")
      assert.match(
        error.message,
        /^Cannot train: --run-dir cannot be read from "[^"]+": .*ENOENT.*; is it a run folder\?$/,
      )
      assert.include(error.message, path)
    }),
  )

  it.effect("name the flag and the file when it is not JSON, or not a TrainConfig", () =>
    Effect.gen(function* () {
      const path = write("{ epochs: 3 }")
      const error = yield* Effect.flip(readConfigJson(path, { field: "--config" }))
      assert.isTrue(
        error.message.startsWith(`Cannot train: --config "${path}" is not JSON: SyntaxError`),
        error.message,
      )
      const wrong = write(JSON.stringify({ ...demoConfig, epochs: "many" }))
      const invalid = yield* Effect.flip(readTrainConfig(wrong, { field: "--config" }))
      assert.include(invalid.message, "epochs")
    }),
  )
})
