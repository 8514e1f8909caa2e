import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { TensorRuntime } from "@sniper/tensor-runtime"
import { Effect } from "effect"
import { silentLogs } from "./log_fixtures.ts"
import { decodeTrainConfig, StepRunner, train } from "./mod.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

const dataDir = mkdtempSync(join(tmpdir(), "trainer-data-"))

function losses(runDir: string): Array<number> {
  return readFileSync(join(runDir, "log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as { total: number }).total)
}

const run = (runDir: string, maxSteps: number | undefined, evaluate = false, config = tinyTrainConfig()) =>
  train({ config, runDir, dataDir, maxSteps, evaluate }).pipe(
    Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, silentLogs]),
  )

describe("train()", () => {
  it.effect(
    "resumes from its checkpoint with exactly the losses of an uninterrupted run (in passes of one chip, recomputing)",
    () =>
      Effect.gen(function* () {
        const whole = mkdtempSync(join(tmpdir(), "run-whole-"))
        const split = mkdtempSync(join(tmpdir(), "run-split-"))
        const config = tinyTrainConfig({ chipsPerPass: 1, recompute: true })
        const a = yield* run(whole, 5, false, config)
        assert.strictEqual(a.steps, 5)
        assert.isFalse(a.finished)
        const b1 = yield* run(split, 3, false, config)
        assert.strictEqual(b1.steps, 3)
        const b2 = yield* run(split, 5, false, config)
        assert.strictEqual(b2.steps, 5)
        const la = losses(whole)
        const lb = losses(split)
        assert.strictEqual(la.length, 5)
        assert.deepStrictEqual(lb, la)
        for (const l of la) assert.isTrue(Number.isFinite(l) && l > 0)
      }),
    300_000,
  )

  it.effect(
    "finishes its epochs, then evaluates on val and writes metrics, detections and the config",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "run-eval-"))
        const result = yield* run(dir, undefined, true)
        assert.isTrue(result.finished)
        assert.strictEqual(result.stats?.length, 12)
        for (const s of result.stats ?? []) assert.isTrue(s === -1 || (s >= 0 && s <= 1))
        for (const f of ["config.json", "checkpoint.safetensors", "metrics.json", "detections_val.json", "result.json"])
          assert.isTrue(existsSync(join(dir, f)), f)
        // A finished run resumed again trains no further step.
        const again = yield* run(dir, undefined, false)
        assert.strictEqual(again.steps, result.steps)
      }),
    300_000,
  )

  it.effect("refuses to resume a run folder made by another configuration", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "run-mismatch-"))
      yield* run(dir, 1)
      const other = tinyTrainConfig({ seed: 99 })
      const error = yield* train({ config: other, runDir: dir, dataDir, maxSteps: 2 }).pipe(
        Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, silentLogs]),
        Effect.flip,
      )
      assert.strictEqual(error._tag, "RunMismatch")
      assert.include(error.message, dir)
    }),
  )

  it.effect("fails with the checkpoint's path when it is truncated, and leaves it for inspection", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "run-truncated-"))
      yield* run(dir, 2)
      truncateSync(join(dir, "checkpoint.safetensors"), 1000)
      const error = yield* run(dir, 3).pipe(Effect.flip)
      assert.strictEqual(error._tag, "WeightsFileError")
      assert.include(error.message, "checkpoint.safetensors")
    }),
  )

  it.effect(
    "skips an unreadable training image, finishes, and counts it",
    () =>
      Effect.gen(function* () {
        const ownData = mkdtempSync(join(tmpdir(), "trainer-bad-data-"))
        const dir = mkdtempSync(join(tmpdir(), "run-bad-image-"))
        const config = tinyTrainConfig({ epochs: 1 })
        // The first run generates the data set; then one training image is replaced by bytes that are no image.
        yield* train({
          config,
          runDir: mkdtempSync(join(tmpdir(), "r-")),
          dataDir: ownData,
          maxSteps: 1,
        }).pipe(Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, silentLogs]))
        const images = join(ownData, "images", "train")
        writeFileSync(join(images, readdirSync(images).sort()[0]), "not an image")
        const result = yield* train({ config, runDir: dir, dataDir: ownData, evaluate: false }).pipe(
          Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, silentLogs]),
        )
        assert.isTrue(result.finished)
        assert.strictEqual(result.skippedImages, 1)
        assert.isAbove(result.steps, 0)
      }),
    300_000,
  )

  it.effect("names the field of a configuration that cannot run", () =>
    Effect.gen(function* () {
      const error = yield* decodeTrainConfig({
        ...tinyTrainConfig(),
        chips: { ...tinyTrainConfig().chips, chipSize: 100 },
      }).pipe(Effect.flip)
      assert.include(error.message, "chips.chipSize")
      const passes = yield* decodeTrainConfig(tinyTrainConfig({ chipsPerPass: 3 })).pipe(Effect.flip)
      assert.include(passes.message, "chipsPerPass")
      assert.include(passes.message, "must not exceed chipsPerBatch (2), got 3")
      const wrongClasses = tinyTrainConfig({ detector: { ...tinyTrainConfig().detector, numClasses: 3 } })
      const mismatch = yield* train({
        config: wrongClasses,
        runDir: mkdtempSync(join(tmpdir(), "r-")),
        dataDir,
      }).pipe(Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, silentLogs]), Effect.flip)
      assert.include(mismatch.message, "detector.numClasses")
    }),
  )
})
