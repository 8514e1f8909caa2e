import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { chipConfig, proposalsFromDetections } from "@sniper/chip-sampler"
import { loadDataset, readDetections } from "@sniper/coco-io"
import { createDetector, disposeDetector } from "@sniper/detector-model"
import { loadWeights, TensorRuntime } from "@sniper/tensor-runtime"
import { Effect, Result } from "effect"
import { tinyTrainConfig } from "./_tiny_config.ts"
import { captureLogs, messages } from "./log_fixtures.ts"
import { decodeTrainConfig, planEpoch, StepRunner, sniperCocoR50, type TrainConfig, train } from "./mod.ts"

const dataDir = mkdtempSync(join(tmpdir(), "trainer-neg-data-"))
/** The tiny run, with test scales and ranges wide enough that its RPN's proposals leave room for negative chips. */
function negativeConfig(negatives: NonNullable<TrainConfig["negatives"]>, epochs = 1): TrainConfig {
  const tiny = tinyTrainConfig()
  return tinyTrainConfig({
    epochs,
    negatives,
    chips: {
      ...tiny.chips,
      validRanges: [
        [-1, 160],
        [40, 320],
        [120, -1],
      ],
    },
    detector: {
      ...tiny.detector,
      rpn: { ...tiny.detector.rpn, test: { ...tiny.detector.rpn.test, postNmsTopK: 300 } },
    },
    test: {
      ...tiny.test,
      scales: [
        { short: -1, long: 768 },
        { short: -1, long: 384 },
        { short: -1, long: 192 },
      ],
    },
  })
}
const config = negativeConfig({ rpnEpochs: 1 })

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
        const first = yield* run(dir, { maxSteps: 1 })
        assert.strictEqual(first.result.steps, 1)
        const proposalsFile = join(dir, "proposals_train.json")
        for (const f of ["proposals_train.json", "rpn.safetensors"]) assert.isTrue(existsSync(join(dir, f)), f)
        assert.isTrue(first.lines.some((l) => /^rpn epoch 1\/1: \d+ positive chips/.test(l)))
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
        const trainSet = yield* loadDataset(join(dataDir, "annotations", "instances_train.json"))
        const detections = yield* readDetections(proposalsFile, trainSet)
        assert.isAbove(detections.count, 0)
        const chips = Result.getOrThrow(chipConfig({ ...config.chips }))
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
        assert.isAbove(second.result.steps, 1)
        assert.isFalse(second.lines.some((l) => l.startsWith("rpn epoch")))
        assert.isTrue(second.lines.some((l) => l.startsWith("negative chips: reusing the proposals in")))
        assert.strictEqual(statSync(proposalsFile).mtimeMs, written)

        // A folder that lost its proposals but kept the RPN recomputes the same file without training again.
        rmSync(proposalsFile)
        const third = yield* run(dir)
        assert.isFalse(third.lines.some((l) => l.startsWith("rpn epoch")))
        assert.isTrue(third.lines.some((l) => l.startsWith("negative chips: loading the short-schedule RPN")))
        assert.strictEqual(readFileSync(proposalsFile, "utf8"), text)

        // Proposals given by the user: no RPN, no proposals file in the run folder.
        const own = mkdtempSync(join(tmpdir(), "run-neg-own-"))
        const given = negativeConfig({ rpnEpochs: 1, proposals: proposalsFile })
        const fourth = yield* run(own, { maxSteps: 1, config: given })
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
