import { recompute } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { addRelu, batchNormTrain } from "./batch_norm.ts"
import type { DetectorConfig } from "./config.ts"
import type { Parameters, ParamSpec } from "./parameters.ts"
import { param } from "./parameters.ts"

type BackboneConfig = DetectorConfig["backbone"]

const blocksPerStage: Record<number, readonly [number, number, number, number]> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
  50: [3, 4, 6, 3],
  101: [3, 4, 23, 3],
}

/** Channels after the width multiplier (at least 1). */
export function scaledChannels(channels: number, width: number): number {
  return Math.max(1, Math.round(channels * width))
}

function isBottleneck(depth: number): boolean {
  return depth >= 50
}

/** One residual block: its torchvision name prefix and shapes. res5 blocks are stride 1, dilation 2. */
interface Block {
  readonly prefix: string
  readonly stage: number
  readonly inChannels: number
  readonly planes: number
  readonly outChannels: number
  readonly stride: number
  readonly dilation: number
  readonly downsample: boolean
}

function blocks(config: BackboneConfig): Array<Block> {
  const counts = blocksPerStage[config.depth]
  if (counts === undefined)
    throw new RangeError(`Cannot build ResNet: depth must be 18, 34, 50 or 101, current value is ${config.depth}`)
  const expansion = isBottleneck(config.depth) ? 4 : 1
  const out: Array<Block> = []
  let inChannels = scaledChannels(64, config.width)
  for (let stage = 0; stage < 4; stage++) {
    const planes = scaledChannels(64 * 2 ** stage, config.width)
    for (let i = 0; i < counts[stage]; i++) {
      const stride = i === 0 && (stage === 1 || stage === 2) ? 2 : 1
      const outChannels = planes * expansion
      out.push({
        prefix: `backbone.layer${stage + 1}.${i}`,
        stage: stage + 2,
        inChannels,
        planes,
        outChannels,
        stride,
        dilation: stage === 3 ? 2 : 1,
        downsample: i === 0 && (stride !== 1 || inChannels !== outChannels),
      })
      inChannels = outChannels
    }
  }
  return out
}

/** Output channels of res4 and res5 (their concatenation feeds the heads). */
export function backboneChannels(config: BackboneConfig): { readonly res4: number; readonly res5: number } {
  const all = blocks(config)
  const res4 = all.filter((b) => b.stage === 4).at(-1)!.outChannels
  return { res4, res5: all.at(-1)!.outChannels }
}

function convSpec(name: string, kh: number, inC: number, outC: number, trainable: boolean): ParamSpec {
  return { name: `${name}.weight`, shape: [kh, kh, inC, outC], init: { kind: "heFanOut" }, trainable }
}

function bnSpecs(name: string, channels: number, trainable: boolean): Array<ParamSpec> {
  return [
    { name: `${name}.weight`, shape: [channels], init: { kind: "constant", value: 1 }, trainable },
    { name: `${name}.bias`, shape: [channels], init: { kind: "constant", value: 0 }, trainable },
    { name: `${name}.running_mean`, shape: [channels], init: { kind: "constant", value: 0 }, trainable: false },
    { name: `${name}.running_var`, shape: [channels], init: { kind: "constant", value: 1 }, trainable: false },
  ]
}

/** The backbone's parameters, named as torchvision's ResNet with a "backbone." prefix. */
export function resnetSpecs(config: BackboneConfig): Array<ParamSpec> {
  const bnLearns = config.batchNorm === "train"
  const stem = scaledChannels(64, config.width)
  const stemTrains = config.freezeAt < 1
  const specs: Array<ParamSpec> = [
    convSpec("backbone.conv1", 7, 3, stem, stemTrains),
    ...bnSpecs("backbone.bn1", stem, stemTrains && bnLearns),
  ]
  const bottleneck = isBottleneck(config.depth)
  for (const b of blocks(config)) {
    const trains = b.stage > config.freezeAt
    const bnTrains = trains && bnLearns
    if (bottleneck) {
      specs.push(convSpec(`${b.prefix}.conv1`, 1, b.inChannels, b.planes, trains))
      specs.push(...bnSpecs(`${b.prefix}.bn1`, b.planes, bnTrains))
      specs.push(convSpec(`${b.prefix}.conv2`, 3, b.planes, b.planes, trains))
      specs.push(...bnSpecs(`${b.prefix}.bn2`, b.planes, bnTrains))
      specs.push(convSpec(`${b.prefix}.conv3`, 1, b.planes, b.outChannels, trains))
      specs.push(...bnSpecs(`${b.prefix}.bn3`, b.outChannels, bnTrains))
    } else {
      specs.push(convSpec(`${b.prefix}.conv1`, 3, b.inChannels, b.planes, trains))
      specs.push(...bnSpecs(`${b.prefix}.bn1`, b.planes, bnTrains))
      specs.push(convSpec(`${b.prefix}.conv2`, 3, b.planes, b.outChannels, trains))
      specs.push(...bnSpecs(`${b.prefix}.bn2`, b.outChannels, bnTrains))
    }
    if (b.downsample) {
      specs.push(convSpec(`${b.prefix}.downsample.0`, 1, b.inChannels, b.outChannels, trains))
      specs.push(...bnSpecs(`${b.prefix}.downsample.1`, b.outChannels, bnTrains))
    }
  }
  return specs
}

/** Receives a training batch-norm layer's batch mean and biased variance (no gradient) instead of letting the
 * layer move its running statistics: a step spread over passes applies them later, in pass order. */
export type StatisticsSink = (layer: string, mean: tf.Tensor1D, variance: tf.Tensor1D) => void

/** How a forward pass runs: `training` uses batch statistics (where batch norm trains) and updates the running
 * ones (unless `updateStatistics` is false: a recomputed block must not count its batch twice), or hands them
 * to `onStatistics`. */
export interface Pass {
  readonly config: BackboneConfig
  readonly training: boolean
  readonly updateStatistics: boolean
  readonly onStatistics?: StatisticsSink | undefined
}

/** Batch norm (+ ReLU): batch statistics when training a trainable layer, running statistics otherwise. */
function batchNorm(params: Parameters, name: string, x: tf.Tensor4D, pass: Pass, relu: boolean): tf.Tensor4D {
  const { config, training } = pass
  const gamma = param(params, `${name}.weight`) as tf.Variable<tf.Rank.R1>
  const beta = param(params, `${name}.bias`) as tf.Variable<tf.Rank.R1>
  const runningMean = param(params, `${name}.running_mean`) as tf.Variable<tf.Rank.R1>
  const runningVar = param(params, `${name}.running_var`) as tf.Variable<tf.Rank.R1>
  if (!(training && gamma.trainable)) {
    // Frozen: one per-channel scale and shift from the running statistics (no gradient reaches them).
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(runningVar, config.bnEpsilon)))
    const y = tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(runningMean, scale))) as tf.Tensor4D
    return relu ? tf.relu(y) : y
  }
  const m = config.bnMomentum
  return batchNormTrain(x, gamma, beta, {
    epsilon: config.bnEpsilon,
    relu,
    // Running statistics move outside the gradient: assign copies values, the tape never sees it.
    onStatistics: (mean, variance) => {
      if (!pass.updateStatistics) return
      if (pass.onStatistics !== undefined) return pass.onStatistics(name, mean, variance)
      runningMean.assign(tf.tidy(() => tf.add(tf.mul(runningMean, m), tf.mul(mean, 1 - m))))
      runningVar.assign(tf.tidy(() => tf.add(tf.mul(runningVar, m), tf.mul(variance, 1 - m))))
    },
  })
}

function conv(params: Parameters, name: string, x: tf.Tensor4D, stride: number, dilation = 1): tf.Tensor4D {
  const w = param(params, `${name}.weight`) as unknown as tf.Tensor4D
  const pad = (dilation * (w.shape[0] - 1)) / 2
  return tf.conv2d(x, w, stride, pad, "NHWC", dilation)
}

function block(params: Parameters, b: Block, x: tf.Tensor4D, pass: Pass): tf.Tensor4D {
  const bn = (name: string, t: tf.Tensor4D, relu: boolean) => batchNorm(params, `${b.prefix}.${name}`, t, pass, relu)
  let y: tf.Tensor4D
  if (isBottleneck(pass.config.depth)) {
    y = bn("bn1", conv(params, `${b.prefix}.conv1`, x, 1), true)
    y = bn("bn2", conv(params, `${b.prefix}.conv2`, y, b.stride, b.dilation), true)
    y = bn("bn3", conv(params, `${b.prefix}.conv3`, y, 1), false)
  } else {
    y = bn("bn1", conv(params, `${b.prefix}.conv1`, x, b.stride, b.dilation), true)
    y = bn("bn2", conv(params, `${b.prefix}.conv2`, y, 1, b.dilation), false)
  }
  const shortcut = b.downsample ? bn("downsample.1", conv(params, `${b.prefix}.downsample.0`, x, b.stride), false) : x
  return addRelu(y, shortcut)
}

/** The trainable variables a block reads (what a recomputed block must return gradients for). */
function blockVariables(params: Parameters, b: Block): Array<tf.Variable> {
  return params.trainable.filter((n) => n.startsWith(`${b.prefix}.`)).map((n) => params.variables.get(n)!)
}

/**
 * `f` as an op the tape sees as one node with a zero gradient: nothing inside is recorded, so none of its
 * activations are kept for a backward pass that would only multiply them by frozen weights.
 */
function withoutGradient(f: (x: tf.Tensor4D) => tf.Tensor4D): (x: tf.Tensor4D) => tf.Tensor4D {
  const op = tf.customGrad((x) => ({
    value: tf.tidy(() => f(x as tf.Tensor4D)),
    gradFunc: () => tf.zerosLike(x as tf.Tensor),
  }))
  return (x) => op(x) as tf.Tensor4D
}

/** Forward options. `recompute` (training only) keeps each trainable block's input and output but none of its
 * activations, and re-runs the block in the backward pass: about one more backbone forward for a fraction of
 * the memory, which is what lets ResNet-50 and -101 train on 2 chips of 512 inside wasm's 4 GB heap. */
export interface ForwardOptions {
  readonly config: BackboneConfig
  readonly training: boolean
  readonly recompute?: boolean | undefined
  readonly onStatistics?: StatisticsSink | undefined
}

/** The stem and the frozen stages (up to `freezeAt`): [N, H/4 or H/8, ..., C]. No parameter here learns. */
export function frozenPrefix(params: Parameters, images: tf.Tensor4D, pass: Pass): tf.Tensor4D {
  let y = conv(params, "backbone.conv1", images, 2)
  y = batchNorm(params, "backbone.bn1", y, pass, true)
  y = tf.maxPool(y, 3, 2, 1)
  for (const b of blocks(pass.config).filter((b) => b.stage <= pass.config.freezeAt)) {
    const z = y
    y = tf.tidy(() => block(params, b, z, pass))
  }
  return y
}

/** ResNet forward on NHWC images: res4 (stride 16) and res5 (stride 16, dilation 2), both [N, H/16, W/16, C].
 * When training, a frozen stem and frozen stages (freezeAt >= 1) run off the tape. */
export function resnetForward(
  params: Parameters,
  images: tf.Tensor4D,
  options: ForwardOptions,
): { readonly res4: tf.Tensor4D; readonly res5: tf.Tensor4D } {
  const { config, training } = options
  const pass: Pass = { config, training, updateStatistics: true, onStatistics: options.onStatistics }
  const prefix = (input: tf.Tensor4D) => frozenPrefix(params, input, pass)
  let x = training && config.freezeAt >= 1 ? withoutGradient(prefix)(images) : prefix(images)
  let res4: tf.Tensor4D | undefined
  for (const b of blocks(config).filter((b) => b.stage > config.freezeAt)) {
    if (b.stage === 5 && res4 === undefined) res4 = x
    const input = x
    if (training && options.recompute) {
      // The first call is the forward pass, the second the backward's recomputation.
      let calls = 0
      const run = (z: tf.Tensor) => block(params, b, z as tf.Tensor4D, { ...pass, updateStatistics: calls++ === 0 })
      x = recompute(run, blockVariables(params, b))(input) as tf.Tensor4D
    } else {
      // Each block's intermediates are freed when it ends: the tape keeps its own copies of what backward needs.
      x = tf.tidy(() => block(params, b, input, pass))
    }
  }
  return { res4: res4 ?? x, res5: x }
}
