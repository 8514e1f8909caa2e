/**
 * Benchmark (JSON lines): proposals of synthetic images at 3 test scales (1024 / 512 / 256) with the demo's
 * detector (detector-model's cpuDemoDetector, ResNet-18 x0.25), against the plain
 * forward pass (backbone + RPN head, outputs read back) on the same scaled inputs in the same process.
 * Backend: SNIPER_BACKEND (default wasm). SNIPER_BENCH_IMAGES: images (default 8).
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import "@tensorflow/tfjs-backend-wasm"
import { decodeImage, imageRefOf, loadDataset, writeSynthDataset } from "@sniper/coco-io"
import {
  cpuDemoDetector,
  createDetector,
  decodeDetectorConfig,
  detectorFeatures,
  rpnHead,
} from "@sniper/detector-model"
import { type ScaledImage, scaleImage } from "@sniper/inference"
import { describeRuntime, selectBackend } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { runProposals } from "./mod.ts"

const info = await Effect.runPromise(selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND"))
const images = Number(process.env.SNIPER_BENCH_IMAGES ?? 8)
const scales = [
  { short: -1, long: 1024 },
  { short: -1, long: 512 },
  { short: -1, long: 256 },
]

const dir = mkdtempSync(join(tmpdir(), "rpn-bench-"))
await Effect.runPromise(writeSynthDataset(dir, { images, seed: 7, valFraction: 0 }))
const dataset = await Effect.runPromise(loadDataset(join(dir, "annotations", "instances_train.json")))
const detector = createDetector(await Effect.runPromise(decodeDetectorConfig(cpuDemoDetector)), { seed: 1 })
const stride = cpuDemoDetector.anchors.stride

const inputs: Array<{ width: number; height: number; scaled: Array<ScaledImage> }> = []
const prepStart = performance.now()
for (let row = 0; row < dataset.images.count; row++) {
  const image = await Effect.runPromise(decodeImage(join(dir, "images", "train"), imageRefOf(dataset, row)))
  inputs.push({
    width: image.width,
    height: image.height,
    scaled: await Effect.runPromise(scaleImage(image, { scales, stride })),
  })
}
const prepMs = performance.now() - prepStart

function forward(input: ScaledImage): void {
  tf.tidy(() => {
    const { inputHeight: h, inputWidth: w } = input.geometry
    const head = rpnHead(detector, detectorFeatures(detector, tf.tensor4d(input.pixels, [1, h, w, 3]), false))
    head.logits.dataSync()
    head.deltas.dataSync()
  })
}

// Warm-up (kernel compilation, wasm heap growth), then alternate the two measurements, best of 3 rounds.
forward(inputs[0].scaled[0])
runProposals(detector, inputs[0], {})
let forwardMs = Number.POSITIVE_INFINITY
let proposalMs = Number.POSITIVE_INFINITY
let count = 0
for (let round = 0; round < 3; round++) {
  let t = performance.now()
  for (const image of inputs) for (const s of image.scaled) forward(s)
  forwardMs = Math.min(forwardMs, performance.now() - t)
  t = performance.now()
  count = 0
  for (const image of inputs) count += runProposals(detector, image, {}).count
  proposalMs = Math.min(proposalMs, performance.now() - t)
}
const n = inputs.length
console.log(
  JSON.stringify({
    bench: "rpnProposals",
    backend: describeRuntime(info),
    images: n,
    scales: scales.map((s) => s.long),
    proposals: count,
    proposalsPerImage: +(count / n).toFixed(1),
    ms: +proposalMs.toFixed(1),
    msPerImage: +(proposalMs / n).toFixed(1),
    proposalsPerSecond: +((1000 * count) / proposalMs).toFixed(0),
    baselineMs: +forwardMs.toFixed(1),
    baseline: "backbone + RPN head forward on the same scaled inputs",
    ratio: +(proposalMs / forwardMs).toFixed(3),
  }),
)
console.log(
  JSON.stringify({
    bench: "scaleImage",
    images: n,
    ms: +prepMs.toFixed(1),
    msPerImage: +(prepMs / n).toFixed(1),
    note: "decode + 3 resizes (sharp), once per image",
  }),
)
