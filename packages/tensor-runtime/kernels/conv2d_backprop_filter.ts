/**
 * Conv2DBackpropFilter for wasm (tfjs 4.22 has none, so fused convolutions and conv2dTranspose had no filter
 * gradient there), composed of wasm kernels the same way as `conv2dFilterGradient`: a convolution of the
 * transposed input with the transposed output gradient, the stride becoming the dilation.
 */
import * as tf from "@tensorflow/tfjs"
import { type ConvBackpropAttrs, callKernel, kernelScope, nhwcConvInfo } from "./_compose.ts"

export const conv2dBackpropFilterWasm: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo }
    const a = attrs as unknown as ConvBackpropAttrs & { filterShape: [number, number, number, number] }
    const info = nhwcConvInfo("filter", x.shape as [number, number, number, number], a.filterShape, a)
    const [kh, kw] = a.filterShape
    const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info
    const needH = kh + (oh - 1) * sh
    const needW = kw + (ow - 1) * sw
    const [, h, w] = x.shape
    const { top, left } = info.padInfo
    const { run, release } = kernelScope(backend)
    let xp = x
    const bottom = needH - h - top
    const right = needW - w - left
    if (top > 0 || left > 0 || bottom > 0 || right > 0) {
      const paddings = [
        [0, 0],
        [top, Math.max(0, bottom)],
        [left, Math.max(0, right)],
        [0, 0],
      ]
      xp = run(tf.PadV2, { x: xp }, { paddings, constantValue: 0 })
    }
    if (xp.shape[1] !== needH || xp.shape[2] !== needW) {
      xp = run(tf.Slice, { x: xp }, { begin: [0, 0, 0, 0], size: [xp.shape[0], needH, needW, xp.shape[3]] })
    }
    const xt = run(tf.Transpose, { x: xp }, { perm: [3, 1, 2, 0] })
    const dyt = run(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] })
    const conv = run(
      tf.Conv2D,
      { x: xt, filter: dyt },
      { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [sh, sw] },
    )
    const out = callKernel(tf.Transpose, "wasm", backend, { x: conv }, { perm: [1, 2, 0, 3] })
    release()
    return out
  },
}
