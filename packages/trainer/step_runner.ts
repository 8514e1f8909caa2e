import type { ResourceLimits } from "node:worker_threads"
import {
  applyReducedGradients,
  type Detector,
  GradientReduction,
  planPasses,
  type StepResult,
  trainableSizes,
  trainStep,
} from "@sniper/detector-model"
import { type WorkerMemory, writeWeights } from "@sniper/inference"
import { TensorRuntime } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Context, Effect, Layer } from "effect"
import type { ChipBatch } from "./chip_batches.ts"
import { makeWorkerPool, type WorkerFailed } from "./worker_pool.ts"

/** One step's inputs besides its chips: the main replica and its optimizer, and how the step runs. */
export interface RunnerStepOptions {
  readonly detector: Detector
  readonly optimizer: tf.Optimizer
  /** The step's random stream (e.g. `new Prng([seed, step, key]).asFunction()`); see planPasses. */
  readonly prng: () => number
  /** The step's number, named when a worker fails. */
  readonly step: number
  readonly chipsPerPass?: number | undefined
  readonly recompute?: boolean | undefined
  readonly rpnOnly?: boolean | undefined
  readonly weightDecay?: number | undefined
}

/** Where a step's time went, in wall seconds: writing the weights for the workers, the passes (first sent to
 * last result in), the reduction (folding results, mostly while later passes run, so it overlaps `passes`) and
 * the update; `cpu`: the same parts in CPU seconds (the passes' on the threads that ran them, the rest on this
 * thread), the better measure on a shared machine. */
export interface StepTiming {
  readonly seconds: number
  readonly broadcast: number
  readonly passes: number
  readonly reduce: number
  readonly apply: number
  readonly cpu: { readonly broadcast: number; readonly passes: number; readonly reduce: number; readonly apply: number }
}

type Phase = "broadcast" | "reduce" | "apply"

/** Adds up wall and thread-CPU seconds per phase. */
class PhaseClock {
  readonly wall = { broadcast: 0, reduce: 0, apply: 0 }
  readonly cpu = { broadcast: 0, reduce: 0, apply: 0 }

  time<T>(phase: Phase, f: () => T): T {
    const t0 = performance.now()
    const c0 = process.threadCpuUsage()
    try {
      return f()
    } finally {
      const c = process.threadCpuUsage(c0)
      this.wall[phase] += (performance.now() - t0) / 1000
      this.cpu[phase] += (c.user + c.system) / 1e6
    }
  }
}

/** A step's losses and target counts (as trainStep reports them) and where its time went. */
export interface RunnerStep extends StepResult {
  readonly timing: StepTiming
}

/**
 * Runs training steps: the passes of a batch (in this thread, or spread over worker threads, each with its own
 * backend and detector replica), their reduction in pass order, and one update of the main replica. Every
 * layer gives the same bits for the same inputs, so the number of workers never changes a run. A GPU backend
 * with one process per device would be one more layer.
 */
export class StepRunner extends Context.Service<
  StepRunner,
  {
    /** Worker threads computing passes; 0: this thread. */
    readonly workers: number
    readonly step: (batch: ChipBatch, options: RunnerStepOptions) => Effect.Effect<RunnerStep, WorkerFailed>
    /** Worker threads still running (0 after a failure, or in-process). */
    readonly liveWorkers: () => number
    /** Each worker's memory high-water marks. */
    readonly workerMemory: () => ReadonlyArray<WorkerMemory>
  }
>()("sniper/trainer/StepRunner") {
  /** Every pass in this thread, one after the other (trainStep). */
  static readonly inProcess = Layer.succeed(StepRunner, {
    workers: 0,
    step: (batch, options) => Effect.sync(() => stepInProcess(batch, options)),
    liveWorkers: () => 0,
    workerMemory: () => [],
  })

  /** `count` worker threads on the TensorRuntime's backend, started with the layer and stopped with its scope. */
  static readonly workers = (count: number, options?: WorkerLayerOptions) =>
    Layer.effect(
      StepRunner,
      Effect.gen(function* () {
        const runtime = yield* TensorRuntime
        const pool = yield* makeWorkerPool({ ...options, workers: count, backend: runtime.backend })
        let board: Float32Array | undefined
        return StepRunner.of({
          workers: count,
          liveWorkers: pool.live,
          workerMemory: pool.memory,
          step: Effect.fn("StepRunner.step")(function* (batch: ChipBatch, o: RunnerStepOptions) {
            const started = performance.now()
            const clock = new PhaseClock()
            const passes = planPasses(batch.count, { chipsPerPass: o.chipsPerPass, prng: o.prng })
            board = clock.time("broadcast", () => writeWeights(o.detector, board))
            const reduction = new GradientReduction({
              sizes: trainableSizes(o.detector),
              passes: passes.length,
              chips: batch.count,
            })
            const chip = batch.size * batch.size * 3
            const run = yield* pool.run(
              o.step,
              board,
              passes.map((pass) => ({
                pass,
                config: o.detector.config,
                size: batch.size,
                pixels: batch.pixels.slice(pass.start * chip, pass.end * chip),
                truths: batch.truths.slice(pass.start, pass.end),
                areaRanges: batch.areaRanges.slice(pass.start, pass.end),
                recompute: o.recompute,
                rpnOnly: o.rpnOnly,
              })),
              (index, result) => clock.time("reduce", () => reduction.add(index, result)),
            )
            const reduced = clock.time("reduce", () => reduction.result())
            clock.time("apply", () =>
              applyReducedGradients(o.detector, o.optimizer, reduced, { weightDecay: o.weightDecay }),
            )
            return {
              ...reduced.losses,
              counts: reduced.counts,
              timing: {
                seconds: (performance.now() - started) / 1000,
                ...clock.wall,
                passes: run.seconds,
                cpu: { ...clock.cpu, passes: run.cpuSeconds },
              },
            }
          }),
        })
      }),
    )

  /** `workers` <= 1: in-process (today's path); more: that many worker threads. */
  static readonly layerFor = (workers: number, options?: WorkerLayerOptions) =>
    workers <= 1 ? StepRunner.inProcess : StepRunner.workers(workers, options)
}

/** Options of the workers layer (tests swap the entry module to inject faults, or limit the JS heap). */
export interface WorkerLayerOptions {
  readonly entry?: URL | undefined
  readonly data?: Readonly<Record<string, unknown>> | undefined
  readonly resourceLimits?: ResourceLimits | undefined
}

function stepInProcess(batch: ChipBatch, o: RunnerStepOptions): RunnerStep {
  const started = performance.now()
  const cpu = process.threadCpuUsage()
  const images = tf.tensor4d(batch.pixels, [batch.count, batch.size, batch.size, 3])
  try {
    const result = trainStep(
      o.detector,
      { images, truths: batch.truths, areaRanges: batch.areaRanges },
      {
        optimizer: o.optimizer,
        prng: o.prng,
        weightDecay: o.weightDecay,
        chipsPerPass: o.chipsPerPass,
        recompute: o.recompute,
        rpnOnly: o.rpnOnly,
      },
    )
    const seconds = (performance.now() - started) / 1000
    const used = process.threadCpuUsage(cpu)
    const passes = (used.user + used.system) / 1e6
    const none = { broadcast: 0, reduce: 0, apply: 0 }
    return { ...result, timing: { seconds, ...none, passes: seconds, cpu: { ...none, passes } } }
  } finally {
    images.dispose()
  }
}
