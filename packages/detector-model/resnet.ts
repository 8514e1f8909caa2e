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

/** Forward options: `training` uses batch statistics (when batch norm trains) and updates running ones. */
export interface ForwardOptions {
  readonly training: boolean
}

/** Batch norm (+ ReLU): batch statistics when training a trainable layer, running statistics otherwise. */
function batchNorm(
  params: Parameters,
  name: string,
  x: tf.Tensor4D,
  options: { readonly config: BackboneConfig; readonly training: boolean; readonly relu: boolean },
): tf.Tensor4D {
  const { config, training, relu } = options
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

function block(params: Parameters, b: Block, x: tf.Tensor4D, config: BackboneConfig, training: boolean): tf.Tensor4D {
  const bn = (name: string, t: tf.Tensor4D, relu: boolean) =>
    batchNorm(params, `${b.prefix}.${name}`, t, { config, training, relu })
  let y: tf.Tensor4D
  if (isBottleneck(config.depth)) {
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

/** ResNet forward on NHWC images: res4 (stride 16) and res5 (stride 16, dilation 2), both [N, H/16, W/16, C]. */
export function resnetForward(
  params: Parameters,
  images: tf.Tensor4D,
  options: { readonly config: BackboneConfig; readonly training: boolean },
): { readonly res4: tf.Tensor4D; readonly res5: tf.Tensor4D } {
  const { config, training } = options
  let x = conv(params, "backbone.conv1", images, 2)
  x = batchNorm(params, "backbone.bn1", x, { config, training, relu: true })
  x = tf.maxPool(x, 3, 2, 1)
  let res4: tf.Tensor4D | undefined
  for (const b of blocks(config)) {
    if (b.stage === 5 && res4 === undefined) res4 = x
    // Each block's intermediates are freed when it ends: the tape keeps its own copies of what backward needs.
    const input = x
    x = tf.tidy(() => block(params, b, input, config, training))
  }
  return { res4: res4!, res5: x }
}
