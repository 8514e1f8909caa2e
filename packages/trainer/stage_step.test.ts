import { assert, describe, it } from "@effect/vitest"
import type { Detector } from "@sniper/detector-model"
import { Prng } from "@sniper/random"
import { TensorRuntime } from "@sniper/tensor-runtime"
import { Effect } from "effect"
import { scopedDetector, scopedOptimizer } from "./_resources.ts"
import type { ChipBatch } from "./chip_batches.ts"
import type { TrainConfig } from "./config.ts"
import { type StepStage, stageStep } from "./stage_step.ts"
import { StepRunner } from "./step_runner.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

/** Two 128 px chips of seeded noise, one box each, every proposal area valid. */
function noiseBatch(): ChipBatch {
  const prng = new Prng([7])
  const size = 128
  const truth = (box: ReadonlyArray<number>, category: number) => ({
    boxes: Float32Array.from(box),
    category: Int32Array.of(category),
    valid: Uint8Array.of(1),
  })
  return {
    size,
    count: 2,
    pixels: Float32Array.from({ length: 2 * size * size * 3 }, () => prng.next() * 2 - 1),
    truths: [truth([20, 30, 90, 100], 0), truth([8, 12, 60, 50], 1)],
    areaRanges: [
      [0, Number.POSITIVE_INFINITY],
      [0, Number.POSITIVE_INFINITY],
    ],
  }
}

const rpn: StepStage = { name: "rpn", key: 0x4e9, rpnOnly: true }
const detectorStage: StepStage = { name: "detector", key: 0x57e9, rpnOnly: false }

const values = (detector: Detector, prefix: string) =>
  [...detector.params.variables].filter(([name]) => name.startsWith(prefix)).map(([, v]) => Array.from(v.dataSync()))

/** One in-process step of a fresh tiny detector at `step`; the weights before and after. */
const stepOnce = (config: TrainConfig, stage: StepStage, step: number) =>
  Effect.gen(function* () {
    const detector = yield* scopedDetector(config)
    const optimizer = yield* scopedOptimizer(config.optimizer)
    const before = { roi: values(detector, "roi."), rpn: values(detector, "rpn.") }
    const outcome = yield* stageStep(noiseBatch(), { detector, optimizer, config, stage, step, stepsPerEpoch: 10 })
    return { outcome, before, after: { roi: values(detector, "roi."), rpn: values(detector, "rpn.") } }
  }).pipe(Effect.scoped)

const provided = <A, E>(effect: Effect.Effect<A, E, StepRunner | TensorRuntime>) =>
  effect.pipe(Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess]))

describe("stageStep() through StepRunner.inProcess", () => {
  it.effect("steps at the schedule's rate; an RPN-only step moves the RPN head and leaves the RoI head", () =>
    provided(
      Effect.gen(function* () {
        // warm-up: 0.001 x (1/3 + (1 - 1/3) x 2/4) at step 2 of 4
        const config = tinyTrainConfig({
          optimizer: { ...tinyTrainConfig().optimizer, learningRate: 0.001, warmupSteps: 4, warmupFactor: 1 / 3 },
        })
        const r = yield* stepOnce(config, rpn, 2)
        assert.closeTo(r.outcome.rate, 0.001 * (1 / 3 + (2 / 3) * 0.5), 1e-12)
        assert.deepStrictEqual(r.after.roi, r.before.roi)
        assert.notDeepEqual(r.after.rpn, r.before.rpn)
        assert.strictEqual(r.outcome.result.roiClass, 0)
        assert.isAbove(r.outcome.result.rpnClass, 0)
        const d = yield* stepOnce(config, detectorStage, 2)
        assert.notDeepEqual(d.after.roi, d.before.roi)
        assert.isAbove(d.outcome.result.roiClass, 0)
        // the same (seed, step, key) draws the same samples: the same losses, bit for bit
        const again = yield* stepOnce(config, detectorStage, 2)
        assert.deepStrictEqual(again.outcome, d.outcome)
      }),
    ),
  )

  it.effect("fails naming optimizer.learningRate and the step when the loss diverges", () =>
    provided(
      Effect.gen(function* () {
        const config = tinyTrainConfig({
          optimizer: { ...tinyTrainConfig().optimizer, learningRate: 1e30, warmupSteps: 0 },
        })
        const error = yield* Effect.gen(function* () {
          const detector = yield* scopedDetector(config)
          const optimizer = yield* scopedOptimizer(config.optimizer)
          for (let step = 0; step < 5; step++) {
            yield* stageStep(noiseBatch(), { detector, optimizer, config, stage: rpn, step, stepsPerEpoch: 10 })
          }
        }).pipe(Effect.scoped, Effect.flip)
        assert.strictEqual(error._tag, "InvalidTrainConfig")
        assert.match(
          error.message,
          /^Cannot train: optimizer\.learningRate made the RPN-only loss diverge at step [1-4] /,
        )
      }),
    ),
  )
})
