/**
 * `npm run bench`: one JSON object per line. Times are medians of a few runs; ratios compare against a
 * baseline measured in the same process (the machine is shared and noisy).
 */
import * as tf from "@tensorflow/tfjs"
import * as wasm from "@tensorflow/tfjs-backend-wasm"
import { Effect } from "effect"
import { randomArray } from "./backend_fixtures.ts"
import { conv2dFilterGradient } from "./gradients/conv2d_grad.ts"
import { registerTrainingKernels } from "./register_training_kernels.ts"
import { convMacs, forwardC4, resnetC4 } from "./resnet_c4_fixtures.ts"
import { roiAlign } from "./roi_align.ts"
import { withTensorScope } from "./tensor_scope.ts"
import { tinyLoss, tinyParams } from "./tiny_detector_fixtures.ts"

const quick = process.argv.includes("--quick")
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o))
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d

/**
 * Median wall and CPU time (ms) of `runs` calls of `f`, which returns tensors to read back and free. wasm runs
 * on one thread, so on a shared machine CPU time is the better measure of the work; rates use it.
 */
function timeMs(f: () => tf.Tensor | tf.Tensor[], runs: number, warmup = 1): { wall: number; cpu: number } {
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const out = f()
    const outs = Array.isArray(out) ? out : [out]
    for (const t of outs) t.dataSync()
    tf.dispose(outs)
    const c = process.cpuUsage(c0)
    if (i >= warmup) {
      wall.push(performance.now() - t0)
      cpu.push((c.user + c.system) / 1000)
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  return { wall: median(wall), cpu: median(cpu) }
}

registerTrainingKernels()
await tf.setBackend("wasm")
emit({ bench: "backend", backend: tf.getBackend(), version: wasm.version_wasm, threads: wasm.getThreadsCount() })

// the in-process ceiling: a 1024x1024 matmul
const a = tf.randomNormal([1024, 1024])
const b = tf.randomNormal([1024, 1024])
const matmul = timeMs(() => tf.matMul(a, b), 5, 2)
const matmulGflops = (2 * 1024 ** 3) / (matmul.cpu / 1000) / 1e9
emit({ bench: "matmul1024", ms: round(matmul.wall, 1), cpuMs: round(matmul.cpu, 1), gflops: round(matmulGflops, 1) })
tf.dispose([a, b])

// conv filter gradient: ours on wasm vs the cpu backend's Conv2DBackpropFilter kernel
{
  const shape = [2, 48, 48, 16]
  const xData = randomArray(
    shape.reduce((p, q) => p * q, 1),
    1,
  )
  const dyData = randomArray(2 * 48 * 48 * 32, 2)
  const attrs = { strides: 1, pad: "same", dilations: 1 } as const
  const run = (backend: string) => {
    tf.setBackend(backend)
    const x = tf.tensor4d(xData, shape as [number, number, number, number])
    const dy = tf.tensor4d(dyData, [2, 48, 48, 32])
    const ours = () => conv2dFilterGradient(x, dy, [3, 3, 16, 32], attrs)
    const kernel = () =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
        strides: [1, 1],
        pad: "same",
        dataFormat: "NHWC",
        filterShape: [3, 3, 16, 32],
      } as unknown as tf.NamedAttrMap) as tf.Tensor
    const result = { ours, kernel, x, dy }
    return result
  }
  const w = run("wasm")
  const ours = timeMs(w.ours, 5)
  const oursValues = w.ours().dataSync()
  tf.dispose([w.x, w.dy])
  const c = run("cpu")
  const cpuKernel = timeMs(c.kernel, quick ? 1 : 3, 0)
  const cpuValues = c.kernel().dataSync()
  tf.dispose([c.x, c.dy])
  let maxErr = 0
  for (let i = 0; i < cpuValues.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(oursValues[i] - cpuValues[i]) / Math.max(1, Math.abs(cpuValues[i])))
  }
  emit({
    bench: "conv2dFilterGradient",
    case: "3x3 16->32 on 2x48x48, stride 1, same",
    ms: round(ours.wall, 1),
    cpuMs: round(ours.cpu, 1),
    baselineMs: round(cpuKernel.wall, 1),
    baselineCpuMs: round(cpuKernel.cpu, 1),
    baseline: "cpu backend Conv2DBackpropFilter",
    ratio: round(cpuKernel.cpu / ours.cpu, 1),
    maxRelError: maxErr,
  })
  await tf.setBackend("wasm")
}

// roiAlign forward+backward at a Faster R-CNN C4 size
{
  const features = tf.randomNormal([2, 32, 32, 1024]) as tf.Tensor4D
  const r = 512
  const u = randomArray(4 * r, 9)
  const boxes: number[] = []
  for (let i = 0; i < r; i++) {
    const x = (u[4 * i] + 1) * 200
    const y = (u[4 * i + 1] + 1) * 200
    boxes.push(x, y, x + 16 + (u[4 * i + 2] + 1) * 100, y + 16 + (u[4 * i + 3] + 1) * 100)
  }
  const index = boxes.filter((_, i) => i % 4 === 0).map((_, i) => i % 2)
  const options = { outputSize: 14, spatialScale: 1 / 16, samplingRatio: 0 }
  const fwd = timeMs(() => tf.tidy(() => roiAlign(features, boxes, index, options).sum()), 3)
  const fb = timeMs(
    () => tf.grad((f: tf.Tensor) => roiAlign(f as tf.Tensor4D, boxes, index, options).sum())(features),
    3,
  )
  emit({
    bench: "roiAlign",
    case: "512 RoIs, 2x32x32x1024 -> 14x14 (400 MB out), adaptive sampling",
    forwardMs: round(fwd.wall, 1),
    forwardCpuMs: round(fwd.cpu, 1),
    forwardBackwardMs: round(fb.wall, 1),
    forwardBackwardCpuMs: round(fb.cpu, 1),
  })
  features.dispose()
}

// ResNet-50 C4 trunk at 2x512x512x3. One tape over a batch of 2 at 512 needs ~3.8 GB of wasm heap (2.1 GB
// measured at 384) against wasm32's 4 GB cap, so forward+backward runs as two batch-1 passes accumulating
// gradients: the same arithmetic, as a trainer on wasm would do it.
{
  const size = quick ? 256 : 512
  const net = resnetC4()
  const images = [0, 1].map((i) => tf.tensor4d(randomArray(size * size * 3, 20 + i), [1, size, size, 3]))
  const batch = tf.concat(images) as tf.Tensor4D
  const { total, stem } = convMacs(net, 2, size, size)
  const fwdFlops = 2 * total
  const fbFlops = 2 * (3 * total - stem) // dx and dfilter of every conv, but no dx of the image
  const runs = quick ? 1 : 2
  const fwd = timeMs(() => tf.tidy(() => forwardC4(net, batch)), runs)
  const fb = timeMs(() => {
    let sum: tf.Tensor[] | undefined
    for (const image of images) {
      const { value, grads } = tf.variableGrads(() => forwardC4(net, image).mean() as tf.Scalar, [...net.variables])
      const g = net.variables.map((v) => grads[v.name])
      const next = sum === undefined ? g : tf.tidy(() => g.map((t, i) => tf.add(t, (sum as tf.Tensor[])[i])))
      if (sum !== undefined) tf.dispose([...g, ...sum])
      sum = next
      value.dispose()
    }
    return sum as tf.Tensor[]
  }, runs)
  const heapMb = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20
  for (const [phase, t, flops] of [
    ["forward", fwd, fwdFlops],
    ["forward+backward", fb, fbFlops],
  ] as const) {
    const gflops = flops / (t.cpu / 1000) / 1e9
    emit({
      bench: "resnet50C4",
      phase,
      input: [2, size, size, 3],
      passes: phase === "forward" ? "one batch of 2" : "two batches of 1, gradients summed",
      seconds: round(t.wall / 1000, 2),
      cpuSeconds: round(t.cpu / 1000, 2),
      gflop: round(flops / 1e9, 1),
      gflops: round(gflops, 1),
      fractionOfMatmul: round(gflops / matmulGflops, 2),
      goal: phase === "forward+backward" ? 0.6 : undefined,
      wasmHeapMb: Math.round(heapMb),
    })
  }
  tf.dispose([batch, ...images, ...net.variables, ...net.convs.map((c) => c.bias)])
}

// live tensors across 20 training steps of a small conv net
{
  const params = tinyParams(11)
  const images = tf.tensor4d(randomArray(2 * 32 * 32 * 3, 11), [2, 32, 32, 3])
  const optimizer = tf.train.momentum(0.01, 0.9)
  // a training step as the trainer runs it: gradients and update inside a tensor scope, the loss returned
  const step = withTensorScope(
    Effect.sync(() => {
      const { value, grads } = tf.variableGrads(() => tinyLoss(params, images, 11))
      optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0])
      return value.dataSync()[0]
    }),
  )
  Effect.runSync(step) // creates the momentum slots
  const before = tf.memory().numTensors
  const c0 = process.cpuUsage()
  for (let i = 0; i < 20; i++) Effect.runSync(step)
  const after = tf.memory().numTensors
  const c = process.cpuUsage(c0)
  emit({
    bench: "liveTensors",
    steps: 20,
    before,
    after,
    equal: before === after,
    cpuMsPerStep: round((c.user + c.system) / 1000 / 20, 1),
  })
}
