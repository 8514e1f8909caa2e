import { assert, describe, it } from "@effect/vitest"
import { createDetector, type Detector } from "@sniper/detector-model"
import { Prng } from "@sniper/random"
import { selectBackend, TensorRuntime } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect, Layer } from "effect"
import type { Fault } from "./faulty_step_worker_fixtures.ts"
import { type RunnerStep, StepRunner, type WorkerLayerOptions } from "./step_runner.ts"
import { replicaBytes, syntheticBatch, tinyDetector } from "./step_runner_fixtures.ts"
import { WorkerFailed } from "./worker_pool.ts"

const runtime = Layer.effect(
  TensorRuntime,
  selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND").pipe(Effect.map(TensorRuntime.of)),
)

/** Chips per step: uneven spreads over 2 and 3 workers at one chip per pass. The third step trains the RPN only
 * (the RoI head gets no gradient). */
const plan = [
  { chips: 3, rpnOnly: false },
  { chips: 4, rpnOnly: false },
  { chips: 3, rpnOnly: true },
]

function stepOptions(detector: Detector, optimizer: tf.Optimizer, step: number) {
  return {
    detector,
    optimizer,
    prng: new Prng([11, step, 0x57e9]).asFunction(),
    step,
    chipsPerPass: 1,
    weightDecay: 1e-3,
    rpnOnly: plan[step].rpnOnly,
  }
}

/** Three steps from the same seed on the runner of `layer`: each step's losses, then every byte of the replica. */
function threeSteps(layer: Layer.Layer<StepRunner, WorkerFailed, TensorRuntime>) {
  return Effect.gen(function* () {
    const runner = yield* StepRunner
    const detector = createDetector(tinyDetector, { seed: 1 })
    const optimizer = tf.train.momentum(0.05, 0.9)
    const initial = yield* replicaBytes(detector, optimizer)
    const steps: Array<Omit<RunnerStep, "timing">> = []
    const tensors: Array<number> = []
    for (let step = 0; step < plan.length; step++) {
      const batch = syntheticBatch(plan[step].chips, { seed: step })
      const { timing: _, ...result } = yield* runner.step(batch, stepOptions(detector, optimizer, step))
      steps.push(result)
      tensors.push(tf.memory().numTensors)
    }
    return { steps, initial, bytes: yield* replicaBytes(detector, optimizer), runner, tensors }
  }).pipe(Effect.provide(layer.pipe(Layer.provide(runtime))))
}

describe("StepRunner", () => {
  it.effect(
    "StepRunner in-process, with 2 and with 3 workers: the same losses and the same bytes in every variable and optimizer slot after 3 steps",
    () =>
      Effect.gen(function* () {
        const one = yield* threeSteps(StepRunner.inProcess)
        const two = yield* threeSteps(StepRunner.workers(2))
        const three = yield* threeSteps(StepRunner.workers(3))
        assert.deepStrictEqual(two.steps, one.steps)
        assert.deepStrictEqual(three.steps, one.steps)
        assert.deepStrictEqual(two.bytes, one.bytes)
        assert.deepStrictEqual(three.bytes, one.bytes)
        // Not trivially equal: weights, running statistics and momenta moved, the RPN-only step counted no RoI.
        assert.notStrictEqual(one.bytes["backbone.conv1.weight"], one.initial["backbone.conv1.weight"])
        assert.notStrictEqual(one.bytes["backbone.bn1.running_mean"], one.initial["backbone.bn1.running_mean"])
        assert.isAbove(one.steps[1].counts.rois, 0)
        assert.strictEqual(one.steps[2].counts.rois, 0)
        // This thread's live tensors stay flat once the optimizer has made its slots (first step).
        for (const run of [one, two, three])
          assert.deepStrictEqual(run.tensors.slice(1), [run.tensors[0], run.tensors[0]])
        // The layers' scopes closed: no worker thread is left.
        assert.strictEqual(two.runner.liveWorkers(), 0)
        assert.strictEqual(three.runner.liveWorkers(), 0)
      }),
    300_000,
  )
})

const faultyEntry = new URL("./faulty_step_worker_fixtures.ts", import.meta.url)

/** One 4-chip step (step 5, one chip per pass) on 2 workers whose entry fails as `fault` says at pass `atPass`;
 * `live`: the worker threads running when the step ended. */
function faultyStep(fault: Fault, atPass: number, extra?: WorkerLayerOptions & { readonly timeout?: number }) {
  const layer = StepRunner.workers(2, { ...extra, entry: faultyEntry, data: { fault, atPass } })
  let live = -1
  let runner: StepRunner["Service"] | undefined
  return Effect.gen(function* () {
    runner = yield* StepRunner
    const detector = createDetector(tinyDetector, { seed: 1 })
    const optimizer = tf.train.sgd(0.01)
    const step = runner.step(syntheticBatch(4, { seed: 1 }), { ...stepOptions(detector, optimizer, 0), step: 5 })
    return yield* (extra?.timeout === undefined ? step : Effect.timeout(step, extra.timeout)).pipe(
      Effect.ensuring(
        Effect.sync(() => {
          live = runner!.liveWorkers()
        }),
      ),
    )
  }).pipe(
    Effect.provide(layer.pipe(Layer.provide(runtime))),
    Effect.flip,
    Effect.map((error) => ({ error, live, liveAfter: runner?.liveWorkers() })),
  )
}

describe("StepRunner workers on failure", () => {
  const cases: Array<{ fault: Fault; atPass: number; worker: number; reason: RegExp; extra?: WorkerLayerOptions }> = [
    { fault: "throw", atPass: 1, worker: 1, reason: /^Error: injected failure$/ },
    { fault: "exit", atPass: 1, worker: 1, reason: /its thread exited with code 3/ },
    { fault: "uncaught", atPass: 1, worker: 1, reason: /^Error: injected uncaught failure$/ },
    { fault: "engine-abort", atPass: 1, worker: 1, reason: /^out of memory \(the wasm engine aborted.*Aborted\(\)/ },
    {
      fault: "heap",
      atPass: 1,
      worker: 1,
      reason: /^out of memory \(JS heap\)/,
      extra: { resourceLimits: { maxOldGenerationSizeMb: 96 } },
    },
  ]
  for (const c of cases)
    it.effect(
      `StepRunner workers: a worker that fails by "${c.fault}" stops the step with one line naming it, and every thread is gone`,
      () =>
        Effect.gen(function* () {
          const { error, live, liveAfter } = yield* faultyStep(c.fault, c.atPass, c.extra)
          assert.instanceOf(error, WorkerFailed)
          assert.strictEqual(error.worker, c.worker)
          assert.strictEqual(error.step, 5)
          assert.match(error.reason, c.reason)
          assert.match(error.message, new RegExp(`^Cannot train: step worker ${c.worker} failed at step 5`))
          assert.notInclude(error.message, "\n")
          assert.strictEqual(live, 0)
          assert.strictEqual(liveAfter, 0)
        }),
      120_000,
    )

  it.effect(
    "StepRunner workers: a thread that cannot start fails the layer, naming it, and leaves none",
    () =>
      Effect.gen(function* () {
        const error = yield* faultyStep("start", 0).pipe(Effect.map((r) => r.error))
        assert.instanceOf(error, WorkerFailed)
        assert.isUndefined(error.step)
        assert.match(
          error.message,
          /^Cannot train: step worker [01] failed while starting: Error: injected start-up failure/,
        )
      }),
    120_000,
  )

  // Live clock: the timeout must really fire.
  it.live(
    "StepRunner workers: a step interrupted while a worker is stuck in a pass stops every thread at once",
    () =>
      Effect.gen(function* () {
        const started = performance.now()
        const { error, live, liveAfter } = yield* faultyStep("stall", 0, { timeout: 1500 })
        assert.strictEqual(error._tag, "TimeoutError")
        assert.strictEqual(live, 0)
        assert.strictEqual(liveAfter, 0)
        // The stuck thread waits 120 s unless terminated.
        assert.isBelow(performance.now() - started, 60_000)
      }),
    120_000,
  )
})
