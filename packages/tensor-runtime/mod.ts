/**
 * Tensor runtime for training on any tfjs backend, including the embedded wasm one: the gradients and
 * kernels wasm lacks (conv gradients with any stride/dilation, UnsortedSegmentSum, GatherNd, StridedSlice,
 * CropAndResize, fast transposed matmul) and a differentiable RoIAlign.
 *
 * ```ts
 * import { registerTrainingKernels, roiAlign } from "@sniper/tensor-runtime"
 * registerTrainingKernels()
 * const pooled = roiAlign(c4, boxesXyxy, imageOfBox, { outputSize: 14, spatialScale: 1 / 16, samplingRatio: 0 })
 * ```
 * @module
 */

export { BackendUnavailable, UnknownBackend, WeightsFileError, WeightsMismatch, WeightsWriteError } from "./errors.ts"
export { conv2dFilterGradient, conv2dInputGradient } from "./gradients/conv2d_grad.ts"
export { registerTrainingKernels } from "./register_training_kernels.ts"
export { type RoiAlignOptions, roiAlign } from "./roi_align.ts"
export {
  BACKEND_CHOICES,
  type BackendChoice,
  describeRuntime,
  type RuntimeInfo,
  selectBackend,
  TensorRuntime,
} from "./runtime.ts"
export { assertNoTensorLeak, liveTensors, scopedTensor, tensorsIn, withTensorScope } from "./tensor_scope.ts"
export {
  type LoadedWeights,
  loadWeights,
  loadWeightsInto,
  saveWeights,
  type TensorSpec,
  weightMismatches,
} from "./weights.ts"
