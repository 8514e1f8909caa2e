import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { chipConfig, proposalsFromDetections } from "@sniper/chip-sampler"
import { loadDataset, readDetections } from "@sniper/coco-io"
import { createDetector, disposeDetector } from "@sniper/detector-model"
import { loadWeights, TensorRuntime } from "@sniper/tensor-runtime"
import { Effect, Result } from "effect"
import { captureLogs, messages } from "./log_fixtures.ts"
import { decodeTrainConfig, planEpoch, StepRunner, sniperCocoR50, type TrainConfig, train } from "./mod.ts"
import { tinyNegativesConfig, tinyTrainConfig } from "./tiny_config_fixtures.ts"

const dataDir = mkdtempSync(join(tmpdir(), "trainer-neg-data-"))
const config = tinyNegativesConfig({ rpnEpochs: 1 }, { epochs: 1 })

function run(runDir: string, options: { maxSteps?: number; config?: TrainConfig } = {}) {
  const logs = captureLogs()
  return train({
    config: options.config ?? config,
    runDir,
    dataDir,
    maxSteps: options.maxSteps,
    evaluate: false,
  }).pipe(
    Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, logs.layer]),
    Effect.map((result) => ({ result, lines: messages(logs.lines) })),
  )
}

describe("train() with negatives", () => {
  it.effect(
    "trains an RPN, writes the proposals once, trains on negative chips, and a rerun reuses the file",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "run-neg-"))
        const proposalsFile = join(dir, "proposals_train.json")
        // maxSteps counts the RPN stage's steps too: one step stops inside it, before any proposal.
        const stopped = yield* run(dir, { maxSteps: 1 })
        assert.deepInclude(stopped.result, { steps: 1, rpnSteps: 1, finished: false })
        assert.isTrue(stopped.lines.some((l) => /^rpn epoch 1\/1: \d+ positive chips/.test(l)))
        for (const f of ["proposals_train.json", "rpn.safetensors", "log.jsonl"])
          assert.isFalse(existsSync(join(dir, f)), f)
        assert.isTrue(existsSync(join(dir, "rpn_checkpoint.safetensors")))

        // The RPN stage's steps: its epoch's positive chips in batches. One more step is the detector's first.
        const trainSet = yield* loadDataset(join(dataDir, "annotations", "instances_train.json"))
        const chips = Result.getOrThrow(chipConfig({ ...config.chips }))
        const positives = planEpoch(trainSet, chips, { seed: config.seed, epoch: 0, flip: config.flip })
        const rpnSteps = Math.ceil(positives.chipCount / config.chipsPerBatch)
        assert.isAbove(rpnSteps, 1)
        const first = yield* run(dir, { maxSteps: rpnSteps + 1 })
        assert.deepInclude(first.result, { steps: rpnSteps + 1, rpnSteps, finished: false })
        assert.isTrue(first.lines.some((l) => /^rpn resuming at step 1 \(epoch 1, \d+ chips in\)$/.test(l)))
        assert.strictEqual(readFileSync(join(dir, "rpn_log.jsonl"), "utf8").trim().split("\n").length, rpnSteps)
        assert.strictEqual(readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n").length, 1)
        for (const f of ["proposals_train.json", "rpn.safetensors"]) assert.isTrue(existsSync(join(dir, f)), f)
        // the stage's weights are in rpn.safetensors: its checkpoint is gone
        assert.isFalse(existsSync(join(dir, "rpn_checkpoint.safetensors")))
        assert.isTrue(first.lines.some((l) => /^negative chips: wrote \d+ proposals/.test(l)))
        const epochLine = first.lines.find((l) => l.startsWith("epoch 1/1:"))!
        const negatives = Number(/\((\d+) negative\)/.exec(epochLine)?.[1])
        assert.isAbove(negatives, 0, epochLine)

        // The short-schedule RPN trained its backbone and RPN head; its RoI head is still the seed's.
        const initial = createDetector(config.detector, { seed: config.seed })
        const { tensors } = yield* loadWeights(join(dir, "rpn.safetensors"))
        let roiSame = 0
        let rpnMoved = 0
        for (const [name, v] of initial.params.variables) {
          const a = v.dataSync()
          const b = tensors[name].dataSync()
          const same = a.every((x, i) => x === b[i])
          if (name.startsWith("roi.")) roiSame += same ? 1 : 0
          else if (name.startsWith("rpn.") && !same) rpnMoved++
        }
        assert.strictEqual(roiSame, [...initial.params.variables.keys()].filter((n) => n.startsWith("roi.")).length)
        assert.strictEqual(rpnMoved, 6)
        disposeDetector(initial)
        for (const t of Object.values(tensors)) t.dispose()

        // The plan the trainer used holds those negative chips, cut around proposals read back from the file.
        const detections = yield* readDetections(proposalsFile, trainSet)
        assert.isAbove(detections.count, 0)
        const plan = planEpoch(trainSet, chips, {
          seed: config.seed,
          epoch: 0,
          proposals: proposalsFromDetections(trainSet, detections, proposalsFile),
        })
        const planned = plan.entries.flatMap((e) => e.chips).filter((c) => c.negative).length
        assert.strictEqual(planned, negatives)

        // Resuming: the file is reused, not recomputed, and no RPN is trained again.
        const written = statSync(proposalsFile).mtimeMs
        const text = readFileSync(proposalsFile, "utf8")
        const second = yield* run(dir)
        assert.isTrue(second.result.finished)
        assert.isAbove(second.result.steps, rpnSteps + 1)
        assert.strictEqual(second.result.rpnSteps, rpnSteps)
        assert.isFalse(second.lines.some((l) => l.startsWith("rpn epoch")))
        assert.isTrue(second.lines.some((l) => l.startsWith("negative chips: reusing the proposals in")))
        assert.strictEqual(statSync(proposalsFile).mtimeMs, written)

        // A folder that lost its proposals but kept the RPN recomputes the same file without training again.
        rmSync(proposalsFile)
        const third = yield* run(dir)
        assert.isFalse(third.lines.some((l) => l.startsWith("rpn epoch")))
        assert.isTrue(third.lines.some((l) => l.startsWith("negative chips: loading the short-schedule RPN")))
        assert.deepInclude(third.result, { steps: second.result.steps, rpnSteps })
        assert.strictEqual(readFileSync(proposalsFile, "utf8"), text)

        // Proposals given by the user: no RPN, no proposals file in the run folder.
        const own = mkdtempSync(join(tmpdir(), "run-neg-own-"))
        const given = tinyNegativesConfig({ rpnEpochs: 1, proposals: proposalsFile }, { epochs: 1 })
        const fourth = yield* run(own, { maxSteps: 1, config: given })
        assert.deepInclude(fourth.result, { steps: 1, rpnSteps: 0 })
        assert.isFalse(fourth.lines.some((l) => l.startsWith("rpn epoch")))
        assert.isFalse(existsSync(join(own, "proposals_train.json")))
        assert.include(fourth.lines.find((l) => l.startsWith("epoch 1/1:"))!, `(${negatives} negative)`)
      }),
    300_000,
  )

  it.effect("fails naming negatives.proposals when the given file does not exist", () =>
    Effect.gen(function* () {
      const missing = join(tmpdir(), "no-such-proposals.json")
      const error = yield* run(mkdtempSync(join(tmpdir(), "run-neg-missing-")), {
        config: tinyTrainConfig({ negatives: { rpnEpochs: 1, proposals: missing } }),
      }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "InvalidTrainConfig")
      assert.include(error.message, "negatives.proposals")
      assert.include(error.message, missing)
    }),
  )

  it.effect("sniperCocoR50 trains a 2-epoch RPN for negative chips and decodes; rpnEpochs must be positive", () =>
    Effect.gen(function* () {
      const decoded = yield* decodeTrainConfig(sniperCocoR50)
      assert.deepStrictEqual(decoded.negatives, { rpnEpochs: 2 })
      const error = yield* decodeTrainConfig({ ...sniperCocoR50, negatives: { rpnEpochs: 0 } }).pipe(Effect.flip)
      assert.include(error.message, "rpnEpochs")
    }),
  )
})
