/**
 * `npm run bench` (JSON lines): training steps of the demo detector (ResNet-18 x0.25, batches of 4 chips of
 * 256 px, one chip per pass) in this thread, on 1 and on 2 worker threads: chips/s with ratios against the
 * in-process runner measured in the same run, where a worker step's time goes (weights broadcast, passes,
 * reduction, update), each worker's peak memory, and a projection to 16 cores. The machine may be shared: each
 * line gives CPU time (all threads of the process) and the load average next to wall time.
 * `npm run bench -- --resnet50`: also ResNet-50 on 2 chips of 512, 2 workers of 1 chip each, against today's
 * in-process step (2 chips in one pass, activations recomputed); minutes.
 */
import { loadavg } from "node:os"
import { createDetector, type DetectorConfig, disposeDetector } from "@sniper/detector-model"
import { Prng } from "@sniper/random"
import { describeRuntime, selectBackend, TensorRuntime } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect, Layer } from "effect"
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
  readonly warmup: number
  readonly steps: number
}

/** Steps on `layer`'s runner after `warmup` untimed ones: wall and process CPU seconds, per-step timings, and
 * the workers' peak memory. */
function measure(layer: Layer.Layer<StepRunner, WorkerFailed, TensorRuntime>, setup: Setup) {
  return Effect.gen(function* () {
    const runner = yield* StepRunner
    const detector = createDetector(setup.detector, { seed: 1 })
    const optimizer = tf.train.momentum(0.001, 0.9)
    const timings: Array<StepTiming> = []
    let wall = 0
    let cpu = 0
    for (let step = 0; step < setup.warmup + setup.steps; step++) {
      const batch = syntheticBatch(setup.chips, { seed: step, size: setup.size })
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      const result = yield* runner.step(batch, {
        detector,
        optimizer,
        prng: new Prng([1, step, 0x57e9]).asFunction(),
        step,
        chipsPerPass: setup.chipsPerPass,
        recompute: setup.recompute,
      })
      if (step < setup.warmup) continue
      const c = process.cpuUsage(c0)
      wall += (performance.now() - t0) / 1000
      cpu += (c.user + c.system) / 1e6
      timings.push(result.timing)
    }
    const memory = runner.workerMemory()
    optimizer.dispose()
    disposeDetector(detector)
    const sum = (f: (t: StepTiming) => number) => timings.reduce((s, t) => s + f(t), 0) / setup.steps
    const passes = Math.ceil(setup.chips / setup.chipsPerPass)
    const seconds = sum((t) => t.seconds)
    return {
      chipsPerSecond: setup.chips / (wall / setup.steps),
      secondsPerStep: wall / setup.steps,
      cpuSecondsPerStep: cpu / setup.steps,
      /** CPU seconds of one pass on its thread, and of the main thread's parts of a step. */
      passCpu: sum((t) => t.cpu.passes) / passes,
      mainCpu: {
        broadcast: sum((t) => t.cpu.broadcast),
        reduce: sum((t) => t.cpu.reduce),
        apply: sum((t) => t.cpu.apply),
      },
      wallShares: {
        broadcast: round(sum((t) => t.broadcast) / seconds, 4),
        reduce: round(sum((t) => t.reduce) / seconds, 4),
        apply: round(sum((t) => t.apply) / seconds, 4),
      },
      workerPeakMB: memory.map((m) => ({ engine: mb(m.engineBytes), jsHeap: mb(m.jsHeapBytes) })),
    }
  }).pipe(Effect.provide(layer.pipe(Layer.provide(runtime))))
}

const demo: Setup = {
  detector: demoConfig.detector,
  size: 256,
  chips: 4,
  chipsPerPass: 1,
  recompute: false,
  warmup: 2,
  steps: Number(process.env.SNIPER_BENCH_STEPS ?? 8),
}

const program = Effect.gen(function* () {
  const info = yield* selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND")
  emit({ bench: "backend", runtime: describeRuntime(info), cores: navigator.hardwareConcurrency })
  const runs = [
    { runner: "in-process", layer: StepRunner.inProcess },
    { runner: "1 worker", layer: StepRunner.workers(1) },
    { runner: "2 workers", layer: StepRunner.workers(2) },
  ]
  let baseline: number | undefined
  let two: Effect.Success<ReturnType<typeof measure>> | undefined
  for (const { runner, layer } of runs) {
    const load = loadavg()[0]
    const r = yield* measure(layer, demo)
    baseline ??= r.chipsPerSecond
    if (runner === "2 workers") two = r
    emit({
      bench: "demoStep",
      runner,
      chipsPerSecond: round(r.chipsPerSecond, 2),
      ratio: round(r.chipsPerSecond / baseline, 2),
      secondsPerStep: round(r.secondsPerStep),
      cpuSecondsPerStep: round(r.cpuSecondsPerStep),
      passCpuSeconds: round(r.passCpu),
      wallShares: r.wallShares,
      mainCpuMs: roundAll(r.mainCpu, 1000),
      workerPeakMB: r.workerPeakMB,
      processMaxRssMB: mb(process.resourceUsage().maxRSS * 1024),
      load: round(load, 2),
    })
  }
  if (two !== undefined) {
    // 16 workers, one chip each, a batch of 16: one pass per worker at once (on an idle core a pass's wall time
    // is its CPU time), then on the main thread the broadcast and update once and one fold per pass (the
    // reduction's CPU scales with passes), all counted as if serial.
    const fold = two.mainCpu.reduce / demo.chips
    const serial = two.mainCpu.broadcast + 16 * fold + two.mainCpu.apply
    const step16 = two.passCpu + serial
    const inProcess16 = 16 * two.passCpu
    emit({
      bench: "projection16",
      assumes:
        "16 idle cores, 16 chips a batch, 1 chip per pass; per-pass, broadcast, fold and update CPU as measured with 2 workers",
      secondsPerStep: round(step16),
      chipsPerSecond: round(16 / step16, 2),
      speedupOverOneCore: round(inProcess16 / step16, 1),
      serialShare: round(serial / step16, 3),
    })
  }
  if (process.argv.includes("--resnet50")) yield* resnet50()
})

/** ResNet-50, 2 chips of 512: today's in-process step, then 2 workers of 1 chip each (without recomputation when
 * one chip fits a worker's heap, else with). */
const resnet50 = Effect.fn("resnet50")(function* () {
  const base = { detector: sniperCocoR50.detector, size: 512, chips: 2, warmup: 1, steps: 2 }
  const today = yield* measure(StepRunner.inProcess, { ...base, chipsPerPass: 2, recompute: true, steps: 1 })
  emit({
    bench: "resnet50",
    runner: "in-process, 2 chips a pass, recompute",
    secondsPerStep: round(today.secondsPerStep, 1),
    cpuSecondsPerStep: round(today.cpuSecondsPerStep, 1),
    processMaxRssMB: mb(process.resourceUsage().maxRSS * 1024),
  })
  for (const recompute of [false, true]) {
    const r = yield* measure(StepRunner.workers(2), { ...base, chipsPerPass: 1, recompute }).pipe(Effect.result)
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
      wallShares: w.wallShares,
      mainCpuMs: roundAll(w.mainCpu, 1000),
      passCpuSeconds: round(w.passCpu, 1),
      workerPeakMB: w.workerPeakMB,
      processMaxRssMB: mb(process.resourceUsage().maxRSS * 1024),
      load: round(loadavg()[0], 2),
    })
    break
  }
})

await Effect.runPromise(program)
