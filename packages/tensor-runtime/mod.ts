/**
 * Tensor runtime for training detectors on any tfjs backend, including the embedded wasm one: backend
 * selection as an Effect layer, the gradients and kernels wasm lacks (conv gradients with any stride,
 * padding and dilation, UnsortedSegmentSum, GatherNd, StridedSlice, CropAndResize, fast transposed matmul),
 * a differentiable RoIAlign, Effect-scoped tensor lifetimes, and safetensors weight files.
 *
 * ```ts
 * import * as tf from "@tensorflow/tfjs"
 * import { Effect } from "effect"
 * import { roiAlign, saveWeights, TensorRuntime, withTensorScope } from "@sniper/tensor-runtime"
 *
 * const step = withTensorScope(Effect.sync(() => {
 *   const { value, grads } = tf.variableGrads(() => loss(params, batch))   // roiAlign(c4, boxes, imageOfBox, {...}) inside
 *   optimizer.applyGradients(grads)
 *   return value.dataSync()[0]                                             // only what is returned survives
 * }))
 * const program = Effect.gen(function* () {
 *   yield* TensorRuntime                                                   // backend chosen, kernels registered
 *   const loss = yield* step
 *   yield* saveWeights("runs/a/ckpt.safetensors", params, { metadata: { step: "1" } })
 * }).pipe(Effect.provide(TensorRuntime.layer))
 * ```
 * @module
 */

export {
  BackendUnavailable,
  UnknownBackend,
  WeightsCorrupt,
  WeightsFileError,
  WeightsMismatch,
  WeightsWriteError,
} from "./errors.ts"
export { conv2dFilterGradient, conv2dInputGradient } from "./gradients/conv2d_grad.ts"
export { isOptimizerSlot, optimizerState, restoreOptimizerState } from "./optimizer_state.ts"
export { recompute } from "./recompute.ts"
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
