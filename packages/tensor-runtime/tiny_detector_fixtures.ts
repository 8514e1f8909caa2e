/**
 * Test-only: a miniature Faster R-CNN (ResNet stem, two bottlenecks, one dilated, an RPN head, RoIAlign and a
 * box head) whose forward+backward touches every op a real detector's training step does.
 */
import * as tf from "@tensorflow/tfjs"
import { randomArray } from "./backend_fixtures.ts"
import { roiAlign } from "./roi_align.ts"

export interface TinyParams {
  readonly [name: string]: tf.Variable
}

const shapes: Record<string, number[]> = {
  conv1: [7, 7, 3, 8],
  bn1g: [8],
  bn1b: [8],
  a1: [1, 1, 8, 4],
  a2: [3, 3, 4, 4],
  a3: [1, 1, 4, 16],
  aProj: [1, 1, 8, 16],
  b1: [1, 1, 16, 8],
  b2: [3, 3, 8, 8],
  b3: [1, 1, 8, 16],
  rpn: [3, 3, 16, 16],
  rpnCls: [1, 1, 16, 3],
  rpnBox: [1, 1, 16, 12],
  fc: [16 * 4 * 4, 10],
  fcB: [10],
  cls: [10, 4],
}

let created = 0

/** Deterministic parameters (He-like scale) created on the current backend. */
export function tinyParams(seed: number): TinyParams {
  const out: Record<string, tf.Variable> = {}
  let s = seed
  for (const [name, shape] of Object.entries(shapes)) {
    const size = shape.reduce((a, b) => a * b, 1)
    const fanIn = shape.length === 4 ? shape[0] * shape[1] * shape[2] : shape[0]
    const scale = name.startsWith("bn1g") ? 0 : Math.sqrt(2 / fanIn)
    const data = randomArray(size, s++).map((v) => (name === "bn1g" ? 1 : v * scale))
    out[name] = tf.tidy(() => tf.variable(tf.tensor(data, shape), true, `${name}_${seed}_${++created}`))
  }
  return out
}

function bn(x: tf.Tensor4D, gamma?: tf.Tensor, beta?: tf.Tensor) {
  const { mean, variance } = tf.moments(x, [0, 1, 2])
  return tf.batchNorm(x, mean, variance, beta ?? tf.zeros(mean.shape), gamma ?? tf.ones(mean.shape), 1e-5)
}

/** Loss of one training step on images [2, 32, 32, 3]; everything but the parameters is fixed by `seed`. */
export function tinyLoss(p: TinyParams, images: tf.Tensor4D, seed: number): tf.Scalar {
  const conv = (x: tf.Tensor4D, w: string, stride = 1, dilation = 1) =>
    tf.conv2d(x, p[w] as tf.Tensor4D, stride, "same", "NHWC", dilation)
  let x = tf.relu(bn(conv(images, "conv1", 2), p.bn1g, p.bn1b)) as tf.Tensor4D // 16x16
  x = tf.maxPool(x, 3, 2, "same") // 8x8
  const a = conv(tf.relu(bn(conv(tf.relu(conv(x, "a1")) as tf.Tensor4D, "a2", 2))) as tf.Tensor4D, "a3")
  x = tf.relu(tf.add(a, conv(x, "aProj", 2))) as tf.Tensor4D // 4x4 (stride 16 to the image)
  const b = conv(tf.relu(conv(tf.relu(conv(x, "b1")) as tf.Tensor4D, "b2", 1, 2)) as tf.Tensor4D, "b3")
  const c4 = tf.relu(tf.add(x, b)) as tf.Tensor4D
  // RPN: objectness on sampled anchors (gather), deltas with a smooth L1 on the positives
  const h = tf.relu(conv(c4, "rpn")) as tf.Tensor4D
  const logits = conv(h, "rpnCls").reshape([-1])
  const deltas = conv(h, "rpnBox").reshape([-1, 4])
  const n = logits.shape[0]
  const sampled = tf.tensor1d([seed % n, (seed * 7 + 3) % n, (seed * 13 + 5) % n, (seed * 13 + 5) % n], "int32")
  const labels = tf.tensor1d([1, 0, 1, 1])
  const rpnCls = tf.losses.sigmoidCrossEntropy(labels, tf.gather(logits, sampled))
  const targets = tf.tensor2d(randomArray(16, seed + 100), [4, 4])
  const rpnBox = tf.losses.huberLoss(targets, tf.gather(deltas, sampled), tf.tensor2d([1, 0, 1, 1], [4, 1]))
  // box head on RoIs in input pixels
  const boxes = [2, 3, 20, 25, 0, 0, 31, 31, 10.5, 4, 17, 30, -3, 8, 12, 40]
  const pooled = roiAlign(c4, boxes, [0, 1, 1, 0], { outputSize: 4, spatialScale: 1 / 8, samplingRatio: 0 })
  const fc = tf.relu(tf.add(tf.matMul(pooled.reshape([4, -1]), p.fc), p.fcB))
  const scores = tf.matMul(fc, p.cls)
  const boxCls = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([1, 0, 3, 2], "int32"), 4), scores)
  return tf.addN([rpnCls, rpnBox, boxCls]) as tf.Scalar
}
