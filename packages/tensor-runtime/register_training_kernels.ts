/** The gradients and kernels tfjs lacks for training on wasm, registered by one explicit call. */
import * as tf from "@tensorflow/tfjs"
import { conv2dGrad } from "./gradients/conv2d_grad.ts"
import { unsortedSegmentSumWasm } from "./kernels/unsorted_segment_sum.ts"

const gradients: ReadonlyArray<tf.GradConfig> = [conv2dGrad]
const kernels: ReadonlyArray<tf.KernelConfig> = [unsortedSegmentSumWasm]

/** Registers every gradient and kernel of this package; safe to call more than once. */
export function registerTrainingKernels(): void {
  for (const config of gradients) tf.registerGradient(config)
  for (const config of kernels) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config)
  }
}
