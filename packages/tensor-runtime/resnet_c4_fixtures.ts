/**
 * Bench-only: ResNet-50 conv1..res4 ("C4", stride 16), NHWC, stride in the 3x3 conv (torchvision), frozen
 * batch norm folded into the convolution (weights scaled, a bias added), He-initialised from a seed; and its
 * multiply-accumulate count.
 */
import * as tf from "@tensorflow/tfjs"
import { randomArray } from "./backend_fixtures.ts"

interface Conv {
  readonly w: tf.Variable
  readonly bias: tf.Tensor1D
  readonly stride: number
}

export interface ResNetC4 {
  readonly convs: ReadonlyArray<Conv>
  readonly variables: ReadonlyArray<tf.Variable>
  readonly blocks: ReadonlyArray<{ readonly a: Conv; readonly b: Conv; readonly c: Conv; readonly proj?: Conv }>
  readonly stem: Conv
}

let seed = 0

function conv(k: number, cin: number, cout: number, stride: number): Conv {
  const size = k * k * cin * cout
  const std = Math.sqrt(2 / (k * k * cin))
  const data = randomArray(size, ++seed).map((v) => v * std * Math.sqrt(3))
  return {
    w: tf.variable(tf.tensor4d(data, [k, k, cin, cout]), true, `c4_${seed}`),
    bias: tf.zeros([cout]) as tf.Tensor1D,
    stride,
  }
}

export function resnetC4(): ResNetC4 {
  const stem = conv(7, 3, 64, 2)
  const blocks: Array<{ a: Conv; b: Conv; c: Conv; proj?: Conv }> = []
  let cin = 64
  for (const [count, mid, out, stride] of [
    [3, 64, 256, 1],
    [4, 128, 512, 2],
    [6, 256, 1024, 2],
  ]) {
    for (let i = 0; i < count; i++) {
      const s = i === 0 ? stride : 1
      blocks.push({
        a: conv(1, cin, mid, 1),
        b: conv(3, mid, mid, s),
        c: conv(1, mid, out, 1),
        proj: i === 0 ? conv(1, cin, out, s) : undefined,
      })
      cin = out
    }
  }
  const convs = [stem, ...blocks.flatMap((b) => [b.a, b.b, b.c, ...(b.proj ? [b.proj] : [])])]
  return { convs, variables: convs.map((c) => c.w), blocks, stem }
}

function apply(c: Conv, x: tf.Tensor4D, relu: boolean): tf.Tensor4D {
  const y = tf.add(tf.conv2d(x, c.w as tf.Tensor4D, c.stride, "same"), c.bias) as tf.Tensor4D
  return relu ? tf.relu(y) : y
}

/** images [N, H, W, 3] -> C4 features [N, H/16, W/16, 1024]. */
export function forwardC4(net: ResNetC4, images: tf.Tensor4D): tf.Tensor4D {
  let x = tf.maxPool(apply(net.stem, images, true), 3, 2, "same")
  for (const b of net.blocks) {
    const y = apply(b.c, apply(b.b, apply(b.a, x, true), true), false)
    x = tf.relu(tf.add(y, b.proj ? apply(b.proj, x, false) : x)) as tf.Tensor4D
  }
  return x
}

/** Multiply-accumulates of the convolutions for one forward pass at [n, h, w, 3]; stem separately. */
export function convMacs(net: ResNetC4, n: number, h: number, w: number): { total: number; stem: number } {
  let total = 0
  let stem = 0
  let size = [h, w]
  const macs = (c: Conv, at: number[]) => {
    const [k, , cin, cout] = c.w.shape
    const out = at.map((d) => Math.ceil(d / c.stride))
    return { m: n * out[0] * out[1] * k * k * cin * cout, out }
  }
  const s = macs(net.stem, size)
  stem = s.m
  total += s.m
  size = s.out.map((d) => Math.ceil(d / 2))
  for (const b of net.blocks) {
    const a = macs(b.a, size)
    const bb = macs(b.b, a.out)
    const c = macs(b.c, bb.out)
    total += a.m + bb.m + c.m + (b.proj ? macs(b.proj, size).m : 0)
    size = c.out
  }
  return { total, stem }
}
