/** The gradients and kernels tfjs lacks for training on wasm, registered by one explicit call. */
import * as tf from "@tensorflow/tfjs"
import { conv2dGrad } from "./gradients/conv2d_grad.ts"
import { cropAndResizeGrad } from "./gradients/crop_and_resize_grad.ts"
import { gatherNdGrad } from "./gradients/gather_nd_grad.ts"
import { stridedSliceGrad } from "./gradients/strided_slice_grad.ts"
import { zeroGrads } from "./gradients/zero_grads.ts"
import { explicitTransposeKernel } from "./kernels/batch_mat_mul.ts"
import { conv2dBackpropFilterWasm } from "./kernels/conv2d_backprop_filter.ts"
import { conv2dBackpropInputWasm } from "./kernels/conv2d_backprop_input.ts"
import { sharedIdentityWasm } from "./kernels/identity.ts"
import { roiAlignKernelConfigs } from "./kernels/roi_align_kernel.ts"
import { unsortedSegmentSumWasm } from "./kernels/unsorted_segment_sum.ts"

const gradients: ReadonlyArray<tf.GradConfig> = [
  conv2dGrad,
  gatherNdGrad,
  stridedSliceGrad,
  cropAndResizeGrad,
  ...zeroGrads,
]
const kernels: ReadonlyArray<tf.KernelConfig> = [
  unsortedSegmentSumWasm,
  conv2dBackpropFilterWasm,
  ...roiAlignKernelConfigs,
]

/**
 * Registers every gradient and wasm kernel of this package, replaces wasm's Conv2DBackpropInput and Identity, wraps its
 * matmul kernels to transpose explicitly; idempotent. The gradients replace tfjs's on every backend (Conv2D's keeps native TensorFlow's
 * filter kernel where it can).
 */
export function registerTrainingKernels(): void {
  for (const config of gradients) tf.registerGradient(config)
  for (const config of kernels) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config)
  }
  // replace wasm's own kernels (Conv2DBackpropInput ~9x slower, Identity copying); comparing kernel functions
  // keeps this idempotent
  for (const replacement of [conv2dBackpropInputWasm, sharedIdentityWasm]) {
    const own = tf.getKernel(replacement.kernelName, "wasm")
    if (own !== undefined && own.kernelFunc !== replacement.kernelFunc) {
      tf.unregisterKernel(replacement.kernelName, "wasm")
      tf.registerKernel(replacement)
    }
  }
  for (const name of [tf.BatchMatMul, tf._FusedMatMul]) {
    const original = tf.getKernel(name, "wasm")
    if (original === undefined) continue
    const replacement = explicitTransposeKernel(original)
    if (replacement === original) continue
    tf.unregisterKernel(name, "wasm")
    tf.registerKernel(replacement)
  }
}
