/**
 * Benchmarks (JSON lines): a training step (forward, backward, SGD update) on 2 chips of 512x512 for ResNet-18
 * x0.5, ResNet-50 and ResNet-101, with time shares of backbone / RPN / RoI head and GFLOP/s against a 1024x1024
 * matmul measured in the same run; inference on one 800x1333 image; live tensors and peak RSS.
 * Backend: SNIPER_BACKEND (default wasm). SNIPER_BENCH_MODELS=r18x0.5,r50,r101 picks models; each runs in its
 * own process (a wasm heap exhausted by one model is reported, not fatal); a model that does not fit is run again
 * recomputing its backbone activations in the backward pass (useful FLOPs exclude the recomputation).
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Prng } from "@sniper/random"
import { describeRuntime, selectBackend } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import type { DetectorConfig } from "./config.ts"
import { decodeDetectorConfig, sniperR50, sniperR101 } from "./config.ts"
import { detect } from "./detect.ts"
import type { Detector } from "./detector.ts"
import { createDetector, detectorFeatures, disposeDetector } from "./detector.ts"
import { frozenPrefix } from "./resnet.ts"
import { roiLosses } from "./roi_loss.ts"
import { rpnLosses } from "./rpn_loss.ts"
import { rpnProposals } from "./rpn_proposals.ts"
import { syntheticChips } from "./synthetic_chip_fixtures.ts"
import { trainStep } from "./train_step.ts"

const only = process.env.SNIPER_BENCH_ONLY
if (only === undefined) {
  // Parent: one child process per model.
  for (const model of (process.env.SNIPER_BENCH_MODELS ?? "r18x0.5,r50,r101").split(",")) {
    // 2 chips of 512; when the wasm heap (4 GB) cannot hold a step, say so and try again recomputing the
    // backbone's activations in the backward pass, then with 2 chips of 256.
    for (const [size, recompute] of [
      [512, false],
      [512, true],
      [256, false],
    ] as const) {
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
        env: {
          ...process.env,
          SNIPER_BENCH_ONLY: model,
          SNIPER_BENCH_SIZE: String(size),
          SNIPER_BENCH_RECOMPUTE: recompute ? "1" : "0",
        },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 1 << 26,
      })
      for (const line of child.stdout.split("\n")) if (line.startsWith("{")) console.log(line)
      if (child.status === 0) break
      // The first line naming an error (the stack's first line is often a source path).
      const reason = /Aborted\(\)/.test(child.stderr)
        ? "wasm heap exhausted (Aborted)"
        : (child.stderr
            .split("\n")
            .find((line) => /Error|XNN|memory/i.test(line))
            ?.trim() ?? child.stderr.trim().split("\n")[0])
      console.log(JSON.stringify({ bench: "trainStep", model, size, recompute, error: reason, exitCode: child.status }))
    }
  }
  process.exit(0)
}
const info = await Effect.runPromise(selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND"))
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o))
const round = (x: number, digits = 3) => Number(x.toFixed(digits))
print({
  bench: "backend",
  model: only,
  runtime: describeRuntime(info),
})

function seconds(f: () => void): number {
  const t0 = performance.now()
  f()
  return (performance.now() - t0) / 1000
}

/** Baseline: best of 3 timed 1024x1024 float32 matmuls (after one warm-up), in GFLOP/s. The read-back stays
 * outside tf.tidy: tidy walks whatever its function returns, and a 1M-element typed array costs it ~1 s. */
function matmulGflops(when: string): number {
  const [x, y] = [tf.randomNormal([1024, 1024]), tf.randomNormal([1024, 1024])]
  const once = () => {
    const z = tf.matMul(x, y)
    z.dataSync()
    z.dispose()
  }
  once()
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < 3; i++) best = Math.min(best, seconds(once))
  tf.dispose([x, y])
  const gflops = (2 * 1024 ** 3) / best / 1e9
  print({ bench: "matmul1024", when, ms: round(best * 1000, 1), gflops: round(gflops, 1) })
  return gflops
}

const prod = (s: ReadonlyArray<number>) => s.reduce((x, y) => x * y, 1)
/** Multiply-add FLOPs of the conv and matmul kernels of a profile (everything else is small). */
function kernelFlops(
  kernels: ReadonlyArray<{ name: string; inputShapes: Array<Array<number>>; outputShapes: Array<Array<number>> }>,
) {
  let flops = 0
  for (const k of kernels) {
    const [i0, i1] = k.inputShapes
    const out = k.outputShapes[0]
    if (k.name === "Conv2D" || k.name === "FusedConv2D") flops += 2 * prod(out) * i1[0] * i1[1] * i1[2]
    else if (k.name === "Conv2DBackpropInput") flops += 2 * prod(i0) * i1[0] * i1[1] * i1[2]
    else if (k.name === "Conv2DBackpropFilter") flops += 2 * prod(i1) * out[0] * out[1] * out[2]
    else if (k.name === "BatchMatMul" || k.name === "_FusedMatMul") {
      const batch = out.length === 3 ? out[0] : 1
      flops += 2 * prod(out) * Math.sqrt((prod(i0) * prod(i1)) / prod(out) / batch)
    }
  }
  return flops
}

function config(name: string): DetectorConfig {
  const base = name === "r101" ? sniperR101 : sniperR50
  const backbone = name === "r18x0.5" ? { ...base.backbone, depth: 18, width: 0.5 } : base.backbone
  return Effect.runSync(decodeDetectorConfig({ ...base, backbone }))
}

/** Fwd+bwd time of each part on its own: backbone (gradient of a fixed projection of the features), RPN head
 * with targets and proposals, RoI head with targets and RoIAlign (features held constant, gradient to them). */
function stageSeconds(
  detector: Detector,
  images: tf.Tensor4D,
  truths: ReturnType<typeof syntheticChips>["truths"],
  recompute: boolean,
) {
  const v = (prefix: string) =>
    detector.params.trainable.filter((n) => n.startsWith(prefix)).map((n) => detector.params.variables.get(n)!)
  const [, h, w] = images.shape
  const backbone = seconds(() =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const f = detectorFeatures(detector, images, true, { recompute })
        return tf.sum(tf.mul(f, tf.randomNormal(f.shape, 0, 1, "float32", 1))) as tf.Scalar
      }, v("backbone."))
      for (const g of Object.values(grads)) g.dataSync()
    }),
  )
  const features = tf.variable(tf.tidy(() => detectorFeatures(detector, images, false)))
  const prng = new Prng([1]).asFunction()
  let proposals: Array<Float32Array> = []
  const rpn = seconds(() =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const r = rpnLosses(detector, features, truths, { imageWidth: w, imageHeight: h, prng })
        proposals = rpnProposals(r.anchors, r.logits, r.deltas, {
          imageWidth: w,
          imageHeight: h,
          settings: detector.config.rpn.train,
        }).map((p) => p.boxes)
        return tf.add(r.rpnClass, r.rpnBox) as tf.Scalar
      }, [...v("rpn."), features])
      for (const g of Object.values(grads)) g.dataSync()
    }),
  )
  const roi = seconds(() =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const r = roiLosses(detector, features, proposals, truths, { prng })
        return tf.add(r.roiClass, r.roiBox) as tf.Scalar
      }, [...v("roi."), features])
      for (const g of Object.values(grads)) g.dataSync()
    }),
  )
  features.dispose()
  return { backbone, rpn, roi }
}

/** FLOPs the backward pass spends recomputing: the forward of every trainable backbone block. */
async function recomputedFlops(detector: Detector, images: tf.Tensor4D): Promise<number> {
  const pass = { config: detector.config.backbone, training: false, updateStatistics: false }
  // tf.profile hands back one shared object that its next call resets: read each profile before the next.
  const flopsOf = async (f: () => tf.Tensor) => {
    const profile = await tf.profile(() => tf.dispose(tf.tidy(f)))
    return kernelFlops(profile.kernels as never)
  }
  const all = await flopsOf(() => detectorFeatures(detector, images, false))
  return all - (await flopsOf(() => frozenPrefix(detector.params, images, pass)))
}

const models = [only]
const size = Number(process.env.SNIPER_BENCH_SIZE ?? 512)
const recompute = process.env.SNIPER_BENCH_RECOMPUTE === "1"
const { pixels, truths } = syntheticChips(2, size, 11)
const images = tf.tensor4d(pixels, [2, size, size, 3])
for (const name of models) {
  const matmul = matmulGflops(`before ${name}`)
  const detector = createDetector(config(name), { seed: 1 })
  const optimizer = tf.train.momentum(0.001, 0.9)
  const prng = new Prng([2]).asFunction()
  const step = () => trainStep(detector, { images, truths }, { optimizer, prng, weightDecay: 1e-4, recompute })
  // First step (warm-up, creates the momentum slots) under the profiler: kernel FLOPs and kernel times.
  let profiled = 0
  const profile = await tf.profile(() => {
    profiled = seconds(step)
  })
  // Useful FLOPs: what the step would run without recomputation.
  const executed = kernelFlops(profile.kernels as never)
  const peakTensorBytes = profile.peakBytes
  const flops = recompute ? executed - (await recomputedFlops(detector, images)) : executed
  const byKernel = new Map<string, number>()
  for (const k of profile.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number))
  const kernelMs = [...byKernel.values()].reduce((x, y) => x + y, 0)
  const timed = name === "r101" ? 1 : 2
  const live: Array<number> = [tf.memory().numTensors]
  const times: Array<number> = []
  for (let i = 0; i < timed; i++) {
    times.push(seconds(step))
    live.push(tf.memory().numTensors)
  }
  const perStep = times.reduce((x, y) => x + y, 0) / times.length
  const stages = stageSeconds(detector, images, truths, recompute)
  const stageSum = stages.backbone + stages.rpn + stages.roi
  print({
    bench: "trainStep",
    model: name,
    chips: 2,
    size,
    recompute,
    steps: timed,
    secondsPerStep: round(perStep),
    fastestStepSeconds: round(Math.min(...times)),
    chipsPerSecond: round(2 / perStep),
    gflopPerStep: round(flops / 1e9, 1),
    executedGflopPerStep: round(executed / 1e9, 1),
    gflops: round(flops / perStep / 1e9, 1),
    matmulGflops: round(matmul, 1),
    ratioToMatmul: round(flops / perStep / 1e9 / matmul),
    share: {
      backbone: round(stages.backbone / stageSum),
      rpn: round(stages.rpn / stageSum),
      roiHead: round(stages.roi / stageSum),
    },
    stageSeconds: { backbone: round(stages.backbone), rpn: round(stages.rpn), roiHead: round(stages.roi) },
    firstStepSeconds: round(profiled),
    liveTensors: live.at(-1),
    liveTensorsFlat: live.every((x) => x === live[0]),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    peakTensorMB: Math.round(peakTensorBytes / 2 ** 20),
  })
  // "forward" is a custom-gradient op (batch norm, add+ReLU, RoIAlign): its inner kernels are also counted.
  print({
    bench: "kernels",
    model: name,
    topKernelShares: Object.fromEntries(
      [...byKernel]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 8)
        .map(([k, ms]) => [k, round(ms / kernelMs)]),
    ),
  })
  if (name === "r50" || models.length === 1) {
    const image = tf.randomNormal([1, 800, 1333, 3], 0, 1, "float32", 3) as tf.Tensor4D
    const s = seconds(() => detect(detector, image, { scoreThreshold: 0.001, maxDetections: 100 }))
    image.dispose()
    print({
      bench: "inference",
      model: name,
      height: 800,
      width: 1333,
      seconds: round(s),
      imagesPerSecond: round(1 / s),
      liveTensors: tf.memory().numTensors,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    })
  }
  optimizer.dispose()
  disposeDetector(detector)
}
images.dispose()
