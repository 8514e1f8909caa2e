/** Building wasm kernels out of other wasm kernels, at the TensorInfo level (no tape, no engine scopes). */
import * as tf from "@tensorflow/tfjs"

/** Runs the kernel `name` registered for `backendName`, collecting its output for later disposal. */
export function callKernel(
  name: string,
  backendName: string,
  backend: object,
  inputs: tf.NamedTensorInfoMap,
  attrs: object,
): tf.TensorInfo {
  const kernel = tf.getKernel(name, backendName)
  if (kernel === undefined) throw new TypeError(`Cannot run kernel: ${name} is not registered for ${backendName}`)
  return kernel.kernelFunc({
    inputs,
    backend: backend as tf.KernelBackend,
    attrs: attrs as tf.NamedAttrMap,
  }) as tf.TensorInfo
}

/** Frees intermediate results of a composed kernel. */
export function disposeAll(backend: object, infos: ReadonlyArray<tf.TensorInfo>): void {
  for (const info of infos) (backend as tf.KernelBackend).disposeData(info.dataId)
}

/** The permutation that swaps the last two axes of a tensor of `rank`. */
export function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i)
  perm[rank - 2] = rank - 1
  perm[rank - 1] = rank - 2
  return perm
}
