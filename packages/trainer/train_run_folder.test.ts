/** train() and its run folder: what is refused before training, resuming after a kill, extending, logging. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { writeSynthDataset } from "@sniper/coco-io"
import { assertNoTensorLeak, TensorRuntime } from "@sniper/tensor-runtime"
import { killChild, startChild } from "@sniper/testing"
import { Effect, References } from "effect"
import { XMLValidator } from "fast-xml-parser"
import { captureLogs, messages, silentLogs } from "./log_fixtures.ts"
import { StepRunner, type TrainConfig, type TrainOptions, train } from "./mod.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

/** The child process of the crash tests. */
const childScript = fileURLToPath(new URL("./run_child_fixtures.ts", import.meta.url))

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix))

/** A tiny synthetic data set of its own (tests below damage theirs), and the tiny config naming its files. */
function ownData(overrides: Partial<TrainConfig> = {}) {
  const dir = temp("trainer-own-data-")
  const base = tinyTrainConfig({ data: { synthetic: { images: 3, seed: 3, valFraction: 0.34 } }, ...overrides })
  const split = (name: string) => ({
    annotations: join(dir, "annotations", `instances_${name}.json`),
    images: join(dir, "images", name),
  })
  const config: TrainConfig = { ...base, data: { ...base.data, train: split("train"), val: split("val") } }
  return Effect.as(writeSynthDataset(dir, { ...base.data.synthetic }), { dir, config })
}

const run = (options: Omit<TrainOptions, "dataDir"> & { readonly dataDir?: string }) =>
  train({ dataDir: temp("trainer-unused-"), evaluate: false, ...options }).pipe(
    Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, silentLogs]),
  )

function records(runDir: string): Array<{ step: number; total: number }> {
  return readFileSync(join(runDir, "log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
}

describe("train() refuses to train on nothing", () => {
  it.effect("a misspelled image folder, before the run folder is made", () =>
    Effect.gen(function* () {
      const { config } = yield* ownData()
      const train = config.data.train!
      const runDir = join(temp("run-typo-"), "run")
      const error = yield* run({
        config: { ...config, data: { ...config.data, train: { ...train, images: `${train.images}s` } } },
        runDir,
      }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "NoTrainingData")
      assert.include(error.message, `"${train.images}s": the training image folder does not exist`)
      assert.isFalse(existsSync(runDir))
    }),
  )

  it.effect(
    "every training image unreadable: a tagged error naming the folder and the first image, no step logged",
    () =>
      Effect.gen(function* () {
        const { config } = yield* ownData({ epochs: 1 })
        const images = config.data.train!.images
        for (const name of readdirSync(images)) writeFileSync(join(images, name), "not an image")
        const runDir = temp("run-unreadable-")
        const error = yield* run({ config, runDir }).pipe(Effect.flip)
        assert.strictEqual(error._tag, "NoTrainingData")
        assert.match(
          error.message,
          new RegExp(
            `^Cannot train on "${images}": none of the \\d+ images with chips in epoch 1 could be read \\(\\d+ unreadable, the first: Cannot read image \\d+`,
          ),
        )
        assert.isFalse(existsSync(join(runDir, "log.jsonl")))
        assert.isFalse(existsSync(join(runDir, "run.lock")))
      }),
    60_000,
  )

  it.effect("boxes no chip can hold, before the run folder is made", () =>
    Effect.gen(function* () {
      const { config } = yield* ownData()
      const path = config.data.train!.annotations
      const json = JSON.parse(readFileSync(path, "utf8"))
      for (const a of json.annotations) a.bbox = [a.bbox[0], a.bbox[1], 0.5, 0.5]
      writeFileSync(path, JSON.stringify(json))
      const runDir = join(temp("run-no-chip-"), "run")
      const error = yield* run({ config, runDir }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "NoTrainingData")
      assert.include(error.message, `"${path}": no chip covers any of its boxes at any scale`)
      assert.isFalse(existsSync(runDir))
    }),
  )

  it.effect("broken val annotations, before the first step", () =>
    Effect.gen(function* () {
      const { config } = yield* ownData()
      const val = config.data.val!.annotations
      writeFileSync(val, '{"images": [{"id": 1,')
      const runDir = temp("run-bad-val-")
      const error = yield* run({ config, runDir }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "CocoJsonError")
      assert.include(error.message, val)
      assert.deepStrictEqual(readdirSync(runDir), [])
    }),
  )
})

describe("train() resumes only the same run", () => {
  it.effect(
    "refuses annotations changed under the same path, naming the file",
    () =>
      Effect.gen(function* () {
        const { config } = yield* ownData()
        const runDir = temp("run-changed-")
        yield* run({ config, runDir, maxSteps: 1 })
        const path = config.data.train!.annotations
        const json = JSON.parse(readFileSync(path, "utf8"))
        const kept = json.images.slice(0, 1)
        const ids = new Set(kept.map((i: { id: number }) => i.id))
        writeFileSync(
          path,
          JSON.stringify({
            ...json,
            images: kept,
            annotations: json.annotations.filter((a: { image_id: number }) => ids.has(a.image_id)),
          }),
        )
        const error = yield* run({ config, runDir, maxSteps: 2 }).pipe(Effect.flip)
        assert.strictEqual(error._tag, "RunMismatch")
        assert.include(
          error.message,
          `the train annotations "${path}" changed since the run started (${json.images.length} images`,
        )
        assert.include(error.message, "1 images, sha256")
        assert.strictEqual(records(runDir).length, 1)
      }),
    60_000,
  )

  it.effect(
    "extends a finished run by more epochs only when asked, logging one record per step",
    () =>
      Effect.gen(function* () {
        const { config } = yield* ownData({ epochs: 1 })
        const runDir = temp("run-extend-")
        const first = yield* run({ config, runDir })
        assert.isTrue(first.finished)
        const longer = { ...config, epochs: 2 }
        const refused = yield* run({ config: longer, runDir }).pipe(Effect.flip)
        assert.strictEqual(refused._tag, "RunMismatch")
        assert.include(
          refused.message,
          "epochs is 2 here but 1 in config.json (to train a run for more epochs, extend it)",
        )
        const second = yield* run({ config: longer, runDir, extend: true })
        assert.isTrue(second.finished)
        assert.isAbove(second.steps, first.steps)
        assert.deepStrictEqual(
          records(runDir).map((r) => r.step),
          Array.from({ length: second.steps }, (_, i) => i + 1),
        )
        assert.strictEqual(JSON.parse(readFileSync(join(runDir, "config.json"), "utf8")).epochs, 2)
      }),
    120_000,
  )

  it("refuses a run folder another live process trains in, and takes it over once that process is SIGKILLed", async () => {
    const runDir = temp("run-locked-")
    const child = await startChild(childScript, ["lock", runDir], { lines: 1 })
    const error = await Effect.runPromise(run({ config: tinyTrainConfig(), runDir, maxSteps: 1 }).pipe(Effect.flip))
    assert.strictEqual(error._tag, "RunLocked")
    assert.include(error.message, `process ${child.pid} on`)
    await killChild(child)
    const result = await Effect.runPromise(run({ config: tinyTrainConfig(), runDir, maxSteps: 1, dataDir: temp("d-") }))
    assert.strictEqual(result.steps, 1)
    assert.isFalse(existsSync(join(runDir, "run.lock")))
  }, 120_000)

  it("a run SIGKILLed mid-epoch resumes to the losses of an uninterrupted run, one record per step, no temporaries", async () => {
    const dataDir = temp("trainer-kill-data-")
    const config = tinyTrainConfig({ epochs: 2 })
    const whole = temp("run-whole-")
    const uninterrupted = await Effect.runPromise(run({ config, runDir: whole, dataDir, maxSteps: 6 }))
    const configPath = join(temp("cfg-"), "config.json")
    writeFileSync(configPath, JSON.stringify(config))
    const killed = temp("run-killed-")
    // complete lines only: the child may be in mid-append
    const lines = () =>
      existsSync(join(killed, "log.jsonl")) ? readFileSync(join(killed, "log.jsonl"), "utf8").split("\n").length - 1 : 0
    const logged = () => lines() >= 3
    const child = await startChild(childScript, ["train", killed, dataDir, configPath, "6"], { ready: logged })
    await killChild(child)
    const before = lines()
    assert.isBelow(before, uninterrupted.steps, "the child was killed before it finished")
    const resumed = await Effect.runPromise(run({ config, runDir: killed, dataDir, maxSteps: 6 }))
    assert.strictEqual(resumed.steps, uninterrupted.steps)
    assert.deepStrictEqual(records(killed), records(whole))
    assert.deepStrictEqual(readdirSync(killed).sort(), readdirSync(whole).sort())
  }, 180_000)
})

describe("train() reports through the Logger and draws loss.svg", () => {
  it.effect(
    "logs epochs and progress lines at Info, each step at Debug with its losses, nothing below Warn when asked; loss.svg is well-formed",
    () =>
      Effect.gen(function* () {
        const { config } = yield* ownData()
        const runDir = temp("run-logs-")
        const logs = captureLogs()
        yield* train({ config, runDir, dataDir: runDir, maxSteps: 3, evaluate: false, progress: "lines" }).pipe(
          Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, logs.layer]),
        )
        const info = messages(logs.lines)
        assert.isTrue(info.some((l) => /^epoch 1\/2: \d+ chips from \d+ images/.test(l)))
        assert.isTrue(
          info.some((l) => /^epoch 1\/2 step 2\/3 loss \d/.test(l)),
          info.join("\n"),
        )
        const steps = logs.lines.filter((l) => l.level === "Debug" && l.message === "step")
        assert.deepStrictEqual(
          steps.map((l) => [l.annotations.step, l.annotations.total]),
          records(runDir).map((r) => [r.step, r.total]),
        )
        assert.isTrue(typeof steps[0].annotations.rpnFg === "number")
        const svg = readFileSync(join(runDir, "loss.svg"), "utf8")
        assert.isTrue(XMLValidator.validate(svg) === true)
        assert.include(svg, "learning rate")

        const quiet = captureLogs()
        yield* train({ config, runDir, dataDir: runDir, maxSteps: 4, evaluate: false, progress: "lines" }).pipe(
          Effect.provideService(References.MinimumLogLevel, "Warn"),
          Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, quiet.layer]),
        )
        assert.deepStrictEqual(
          quiet.lines.filter((l) => l.level === "Info" || l.level === "Debug"),
          [],
        )
      }),
    60_000,
  )

  it.effect("frees the detector and optimizer when a resume fails", () =>
    Effect.gen(function* () {
      const { config } = yield* ownData()
      const runDir = temp("run-leak-")
      yield* run({ config, runDir, maxSteps: 1 })
      const path = join(runDir, "checkpoint.safetensors")
      const bytes = readFileSync(path)
      bytes[bytes.length - 3] ^= 0x40
      writeFileSync(path, bytes)
      const error = yield* assertNoTensorLeak(run({ config, runDir, maxSteps: 2 }).pipe(Effect.flip), "failed resume")
      assert.strictEqual(error._tag, "WeightsCorrupt")
      assert.include(error.message, path)
      assert.isFalse(existsSync(join(runDir, "run.lock")))
    }),
  )
})
