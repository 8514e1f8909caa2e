/**
 * `npm run bench` (JSON lines): training steps of the demo detector (ResNet-18 x0.25) in the demo's batches (4
 * chips of 128 px, 2 a pass) in this thread, on 1 and on 2 worker threads: chips/s with ratios against the
 * in-process runner measured in the same run, where a worker step's time goes (weights broadcast, passes,
 * reduction, update), each worker's peak memory, and a projection to 16 cores. The machine may be shared: each
 * line gives CPU time (all threads of the process) and the load average next to wall time.
 * `npm run bench -- --resnet50`: also ResNet-50 on 2 chips of 512, 2 workers of 1 chip each, against today's
 * in-process step (2 chips in one pass, activations recomputed); minutes.
 */
import { loadavg } from "node:os"
import { createDetector, type Detector, type DetectorConfig, disposeDetector } from "@sniper/detector-model"
import { Prng } from "@sniper/random"
import { describeRuntime, selectBackend, TensorRuntime } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Context, Effect, Layer } from "effect"
import { demoConfig, sniperCocoR50 } from "./config.ts"
import { StepRunner, type StepTiming } from "./step_runner.ts"
import { syntheticBatch } from "./step_runner_fixtures.ts"
import type { WorkerFailed } from "./worker_pool.ts"

const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o))
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d
const mb = (bytes: number) => Math.round(bytes / 2 ** 20)
const roundAll = (o: Record<string, number>, scale = 1) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v * scale, 1)]))

const runtime = Layer.effect(
  TensorRuntime,
  selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND").pipe(Effect.map(TensorRuntime.of)),
)

interface Setup {
  readonly detector: DetectorConfig
  readonly size: number
  readonly chips: number
  readonly chipsPerPass: number
  readonly recompute: boolean
}

type Runner = StepRunner["Service"]

/** Steps of one runner on its own replica, adding up wall and process CPU seconds and the step timings. */
class Trial {
  readonly #runner: Runner
  readonly #setup: Setup
  readonly #detector: Detector
  readonly #optimizer = tf.train.momentum(0.001, 0.9)
  readonly #timings: Array<StepTiming> = []
  #step = 0
  #wall = 0
  #cpu = 0

  constructor(runner: Runner, setup: Setup) {
    this.#runner = runner
    this.#setup = setup
    this.#detector = createDetector(setup.detector, { seed: 1 })
  }

  /** One step; `timed` false for warm-up. */
  step(timed: boolean) {
    const setup = this.#setup
    const step = this.#step++
    const batch = syntheticBatch(setup.chips, { seed: step, size: setup.size })
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    return this.#runner
      .step(batch, {
        detector: this.#detector,
        optimizer: this.#optimizer,
        prng: new Prng([1, step, 0x57e9]).asFunction(),
        step,
        chipsPerPass: setup.chipsPerPass,
        recompute: setup.recompute,
      })
      .pipe(
        Effect.tap((result) =>
          Effect.sync(() => {
            if (!timed) return
            const c = process.cpuUsage(c0)
            this.#wall += (performance.now() - t0) / 1000
            this.#cpu += (c.user + c.system) / 1e6
            this.#timings.push(result.timing)
          }),
        ),
      )
  }

  /** Per step: wall and process CPU seconds, chips/s, a pass's CPU seconds, the main thread's CPU seconds per
   * part, wall shares, and the workers' peak memory. Frees the replica. */
  summary() {
    const setup = this.#setup
    const steps = this.#timings.length
    const mean = (f: (t: StepTiming) => number) => this.#timings.reduce((s, t) => s + f(t), 0) / steps
    const seconds = mean((t) => t.seconds)
    this.#optimizer.dispose()
    disposeDetector(this.#detector)
    return {
      chipsPerSecond: setup.chips / (this.#wall / steps),
      secondsPerStep: this.#wall / steps,
      cpuSecondsPerStep: this.#cpu / steps,
      passCpu: mean((t) => t.cpu.passes) / Math.ceil(setup.chips / setup.chipsPerPass),
      mainCpu: {
        broadcast: mean((t) => t.cpu.broadcast),
        reduce: mean((t) => t.cpu.reduce),
        apply: mean((t) => t.cpu.apply),
      },
      wallShares: {
        broadcast: round(mean((t) => t.broadcast) / seconds, 4),
        reduce: round(mean((t) => t.reduce) / seconds, 4),
        apply: round(mean((t) => t.apply) / seconds, 4),
      },
      workerPeakMB: this.#runner.workerMemory().map((m) => ({ engine: mb(m.engineBytes), jsHeap: mb(m.jsHeapBytes) })),
    }
  }
}

/** The runner of `layer`, alive as long as the enclosing scope. */
const buildRunner = (layer: Layer.Layer<StepRunner, WorkerFailed, TensorRuntime>) =>
  Layer.build(layer.pipe(Layer.provide(runtime))).pipe(Effect.map((context) => Context.get(context, StepRunner)))

const demo: Setup = {
  detector: demoConfig.detector,
  size: demoConfig.chips.chipSize,
  chips: demoConfig.chipsPerBatch,
  chipsPerPass: demoConfig.chipsPerPass ?? demoConfig.chipsPerBatch,
  recompute: false,
}
const rounds = Number(process.env.SNIPER_BENCH_ROUNDS ?? 4)

const program = Effect.gen(function* () {
  const info = yield* selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND")
  emit({ bench: "backend", runtime: describeRuntime(info), cores: navigator.hardwareConcurrency })
  // The runners take turns, 2 steps each per round (the first round is warm-up), so that a changing load on a
  // shared machine falls on all of them alike.
  const trials = [
    { runner: "in-process", trial: new Trial(yield* buildRunner(StepRunner.inProcess), demo) },
    { runner: "1 worker", trial: new Trial(yield* buildRunner(StepRunner.workers(1)), demo) },
    { runner: "2 workers", trial: new Trial(yield* buildRunner(StepRunner.workers(2)), demo) },
  ]
  const load0 = loadavg()[0]
  for (let round = 0; round <= rounds; round++)
    for (const { trial } of trials) for (let i = 0; i < 2; i++) yield* trial.step(round > 0)
  const load = round((load0 + loadavg()[0]) / 2, 2)
  const [inProcess, one, two] = trials.map(({ runner, trial }) => ({ runner, ...trial.summary() }))
  for (const r of [inProcess, one, two])
    emit({
      bench: "demoStep",
      runner: r.runner,
      chipsPerSecond: round(r.chipsPerSecond, 2),
      ratio: round(r.chipsPerSecond / inProcess.chipsPerSecond, 2),
      secondsPerStep: round(r.secondsPerStep),
      cpuSecondsPerStep: round(r.cpuSecondsPerStep),
      passCpuSeconds: round(r.passCpu),
      wallShares: r.wallShares,
      mainCpuMs: roundAll(r.mainCpu, 1000),
      workerPeakMB: r.workerPeakMB,
      load,
    })
  // 16 workers, one chip each, a batch of 16: one pass per worker at once (on an idle core a pass's wall time is
  // its CPU time), then on the main thread the broadcast and update once and one fold per pass (the reduction's
  // CPU scales with passes), all counted as if serial.
  const fold = two.mainCpu.reduce / demo.chips
  const serial = two.mainCpu.broadcast + 16 * fold + two.mainCpu.apply
  const step16 = two.passCpu + serial
  emit({
    bench: "projection16",
    assumes:
      "16 idle cores, 16 chips a batch, 1 chip per pass; per-pass, broadcast, fold and update CPU as measured with 2 workers",
    secondsPerStep: round(step16),
    chipsPerSecond: round(16 / step16, 2),
    speedupOverOneCore: round((16 * inProcess.passCpu) / step16, 1),
    serialShare: round(serial / step16, 3),
  })
  emit({ bench: "process", maxRssMB: mb(process.resourceUsage().maxRSS * 1024) })
  if (process.argv.includes("--resnet50")) yield* resnet50()
})

/** ResNet-50, 2 chips of 512: today's in-process step, then 2 workers of 1 chip each (without recomputation when
 * one chip fits a worker's heap, else with); one warm-up and `steps` timed steps each. */
const resnet50 = Effect.fn("resnet50")(function* () {
  const base = { detector: sniperCocoR50.detector, size: 512, chips: 2 }
  const steps = Number(process.env.SNIPER_BENCH_R50_STEPS ?? 2)
  const timed = Effect.fn("timed")(function* (runner: Runner, setup: Setup) {
    const trial = new Trial(runner, setup)
    for (let i = 0; i <= steps; i++) yield* trial.step(i > 0)
    return trial.summary()
  })
  const today = yield* Effect.scoped(
    Effect.flatMap(buildRunner(StepRunner.inProcess), (runner) =>
      timed(runner, { ...base, chipsPerPass: 2, recompute: true }),
    ),
  )
  emit({
    bench: "resnet50",
    runner: "in-process, 2 chips a pass, recompute",
    secondsPerStep: round(today.secondsPerStep, 1),
    cpuSecondsPerStep: round(today.cpuSecondsPerStep, 1),
    load: round(loadavg()[0], 2),
  })
  for (const recompute of [false, true]) {
    const r = yield* Effect.scoped(
      Effect.flatMap(buildRunner(StepRunner.workers(2)), (runner) =>
        timed(runner, { ...base, chipsPerPass: 1, recompute }),
      ),
    ).pipe(Effect.result)
    if (r._tag === "Failure") {
      emit({ bench: "resnet50", runner: "2 workers, 1 chip each", recompute, error: r.failure.message })
      continue
    }
    const w = r.success
    emit({
      bench: "resnet50",
      runner: "2 workers, 1 chip each",
      recompute,
      secondsPerStep: round(w.secondsPerStep, 1),
      ratio: round(today.secondsPerStep / w.secondsPerStep, 2),
      cpuSecondsPerStep: round(w.cpuSecondsPerStep, 1),
      passCpuSeconds: round(w.passCpu, 1),
      // On idle cores: both passes at once, then the main thread's broadcast, folds and update.
      idleCoresSecondsPerStep: round(w.passCpu + w.mainCpu.broadcast + w.mainCpu.reduce + w.mainCpu.apply, 1),
      wallShares: w.wallShares,
      mainCpuMs: roundAll(w.mainCpu, 1000),
      workerPeakMB: w.workerPeakMB,
      load: round(loadavg()[0], 2),
    })
    break
  }
  emit({ bench: "process", maxRssMB: mb(process.resourceUsage().maxRSS * 1024) })
})

await Effect.runPromise(Effect.scoped(program))
