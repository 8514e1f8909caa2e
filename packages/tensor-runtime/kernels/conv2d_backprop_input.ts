/**
 * Conv2DBackpropInput for wasm as a plain convolution: tfjs 4.22's wasm kernel is a direct loop ~10x slower
 * than its XNNPACK Conv2D. dx[i] = sum_k u[i + pad - k] w[k], u being dy with the stride undone (zeros
 * inserted), i.e. a stride-1 convolution of the padded u with the flipped, transposed filter. Used by
 * conv2dTranspose and by the gradient of fused convolutions.
 */
import * as tf from "@tensorflow/tfjs"
import { type ConvBackpropAttrs, callKernel, kernelScope, nhwcConvInfo } from "./_compose.ts"

export const conv2dBackpropInputWasm: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo }
    const a = attrs as unknown as ConvBackpropAttrs & { inputShape: [number, number, number, number] }
    const [kh, kw, ci, co] = filter.shape as [number, number, number, number]
    const info = nhwcConvInfo("input", a.inputShape, [kh, kw, ci, co], a)
    const { strideHeight: sh, strideWidth: sw } = info
    const [n, h, w] = a.inputShape
    const [, oh, ow] = dy.shape
    const { run, release } = kernelScope(backend)
    let f = filter
    if (kh > 1 || kw > 1) f = run(tf.Reverse, { x: f }, { dims: [0, 1] })
    f = run(tf.Transpose, { x: f }, { perm: [0, 1, 3, 2] })
    let u = dy
    if (sh > 1 || sw > 1) {
      const spread = run(tf.Reshape, { x: u }, { shape: [n, oh, 1, ow, 1, co] })
      const padded = run(
        tf.PadV2,
        { x: spread },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, sh - 1],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      )
      u = run(tf.Reshape, { x: padded }, { shape: [n, oh * sh, ow * sw, co] })
    }
    const top = kh - 1 - info.padInfo.top
    const left = kw - 1 - info.padInfo.left
    const height = h + kh - 1
    const width = w + kw - 1
    const bottom = height - u.shape[1] - top
    const right = width - u.shape[2] - left
    if (top > 0 || left > 0 || bottom > 0 || right > 0) {
      const paddings = [
        [0, 0],
        [Math.max(0, top), Math.max(0, bottom)],
        [Math.max(0, left), Math.max(0, right)],
        [0, 0],
      ]
      u = run(tf.PadV2, { x: u }, { paddings, constantValue: 0 })
    }
    if (top < 0 || left < 0 || u.shape[1] !== height || u.shape[2] !== width) {
      u = run(
        tf.Slice,
        { x: u },
        { begin: [0, Math.max(0, -top), Math.max(0, -left), 0], size: [n, height, width, co] },
      )
    }
    const out = callKernel(
      tf.Conv2D,
      "wasm",
      backend,
      { x: u, filter: f },
      { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [1, 1] },
    )
    release()
    return out
  },
}
