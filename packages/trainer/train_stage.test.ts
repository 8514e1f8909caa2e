/** The one stage loop: both stages step through the StepRunner, and a run stopped or SIGKILLed in the RPN stage
 * resumes to the bits of an uninterrupted run. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { chipConfig } from "@sniper/chip-sampler"
import { loadDataset } from "@sniper/coco-io"
import { isOptimizerSlot, loadWeights, TensorRuntime } from "@sniper/tensor-runtime"
import { killChild, startChild } from "@sniper/testing"
import * as tf from "@tensorflow/tfjs"
import { Effect, Layer, Result } from "effect"
import { silentLogs } from "./log_fixtures.ts"
import { planEpoch, StepRunner, train } from "./mod.ts"
import { tinyNegativesConfig } from "./tiny_config_fixtures.ts"

const childScript = fileURLToPath(new URL("./run_child_fixtures.ts", import.meta.url))
const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix))

const dataDir = temp("trainer-stage-data-")
/** Two RPN epochs then one detector epoch with negative chips, on 3 training images (proposals at small scales). */
const base = tinyNegativesConfig(
  { rpnEpochs: 2 },
  { epochs: 1, data: { synthetic: { images: 4, seed: 3, valFraction: 0.25 } } },
)
const config = { ...base, test: { ...base.test, scales: [384, 192, 96].map((long) => ({ short: -1, long })) } }

const run = (runDir: string, options: { maxSteps?: number; runner?: Layer.Layer<StepRunner> } = {}) =>
  Effect.runPromise(
    train({ config, runDir, dataDir, maxSteps: options.maxSteps, evaluate: false }).pipe(
      Effect.provide([TensorRuntime.layerQuiet, options.runner ?? StepRunner.inProcess, silentLogs]),
    ),
  )

/** A step runner that steps in this process and records which kind of step (RPN-only or not) came when. */
function recordingRunner(calls: Array<string>): Layer.Layer<StepRunner> {
  return Layer.effect(
    StepRunner,
    Effect.gen(function* () {
      const inner = yield* StepRunner
      return StepRunner.of({
        ...inner,
        step: (batch, options) => {
          calls.push(`${options.rpnOnly === true ? "rpn" : "detector"} ${options.step}`)
          return inner.step(batch, options)
        },
      })
    }),
  ).pipe(Layer.provide(StepRunner.inProcess))
}

const text = (dir: string, file: string) => readFileSync(join(dir, file), "utf8")
const lineCount = (dir: string, file: string) =>
  existsSync(join(dir, file)) ? text(dir, file).split("\n").length - 1 : 0

/** What a run leaves that must not depend on where it was interrupted. */
async function outcome(dir: string) {
  const { tensors } = await Effect.runPromise(loadWeights(join(dir, "checkpoint.safetensors")))
  const detector = Object.entries(tensors)
    .filter(([name]) => !isOptimizerSlot(name))
    .map(([name, t]) => [name, Array.from(t.dataSync())] as const)
  tf.dispose(Object.values(tensors))
  return {
    rpnLog: text(dir, "rpn_log.jsonl"),
    rpnWeights: readFileSync(join(dir, "rpn.safetensors")).toString("base64"),
    proposals: text(dir, "proposals_train.json"),
    log: text(dir, "log.jsonl"),
    detector,
    files: readdirSync(dir).sort(),
  }
}

describe("trainStage()", () => {
  it("both stages step through the StepRunner; a run stopped by maxSteps, then SIGKILLed, in the RPN stage resumes to the bits of an uninterrupted run", async () => {
    // maxSteps stops inside the RPN stage, at a step between two checkpoints
    const interrupted = temp("run-stage-interrupted-")
    const first = await run(interrupted, { maxSteps: 3 })
    assert.deepInclude(first, { steps: 3, rpnSteps: 3, finished: false })
    assert.strictEqual(lineCount(interrupted, "rpn_log.jsonl"), 3)
    assert.isFalse(existsSync(join(interrupted, "rpn.safetensors")))

    // The RPN stage's steps: each epoch's positive chips in batches; the runs below stop 3 detector steps later.
    const trainSet = await Effect.runPromise(loadDataset(join(dataDir, "annotations", "instances_train.json")))
    const chips = Result.getOrThrow(chipConfig({ ...config.chips }))
    const epochSteps = (epoch: number) =>
      Math.ceil(planEpoch(trainSet, chips, { seed: config.seed, epoch, flip: config.flip }).chipCount / 2)
    const rpnSteps = epochSteps(0) + epochSteps(1)
    assert.isAbove(rpnSteps, 8)
    const maxSteps = rpnSteps + 3

    const calls: Array<string> = []
    const whole = temp("run-stage-whole-")
    assert.deepInclude(await run(whole, { maxSteps, runner: recordingRunner(calls) }), { steps: maxSteps, rpnSteps })
    assert.strictEqual(lineCount(whole, "rpn_log.jsonl"), rpnSteps)
    assert.strictEqual(lineCount(whole, "log.jsonl"), 3)
    // every step went through the runner: the RPN stage's (RPN-only), then the detector's, each from step 0
    assert.deepStrictEqual(calls, [
      ...Array.from({ length: rpnSteps }, (_, i) => `rpn ${i}`),
      ...Array.from({ length: 3 }, (_, i) => `detector ${i}`),
    ])
    const expected = await outcome(whole)
    assert.include(expected.files, "rpn.safetensors")
    assert.notInclude(expected.files, "rpn_checkpoint.safetensors")
    assert.include(text(whole, "log.jsonl"), "roiClass")

    // resumed in a child process, SIGKILLed after the RPN stage's sixth step (its checkpoint is at step 6 or 4)
    const configPath = join(temp("cfg-"), "config.json")
    writeFileSync(configPath, JSON.stringify(config))
    const child = await startChild(childScript, ["train", interrupted, dataDir, configPath, String(maxSteps)], {
      ready: () => lineCount(interrupted, "rpn_log.jsonl") >= 6,
    })
    await killChild(child)
    assert.isFalse(existsSync(join(interrupted, "rpn.safetensors")), "the child was killed in the RPN stage")
    const resumed = await run(interrupted, { maxSteps })
    assert.deepInclude(resumed, { steps: maxSteps, rpnSteps, finished: false })
    assert.deepStrictEqual(await outcome(interrupted), expected)
  }, 300_000)
})
