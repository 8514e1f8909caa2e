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

/** The attributes both conv2d backprop kernels share. */
export interface ConvBackpropAttrs {
  readonly strides: number | [number, number]
  readonly pad: "same" | "valid" | number | tf.backend_util.ExplicitPadding
  readonly dataFormat: "NHWC" | "NCHW"
  readonly dimRoundingMode?: "floor" | "round" | "ceil"
}

/** The convolution's geometry for a backprop kernel that only handles NHWC (`what` names it in the error). */
export function nhwcConvInfo(
  what: string,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: ConvBackpropAttrs,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === "NCHW") {
    throw new RangeError(
      `Cannot compute the conv2d ${what} gradient on wasm: only NHWC is supported, current value is NCHW`,
    )
  }
  return tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad as "same",
    attrs.dimRoundingMode,
  )
}

/** A `run` that calls wasm kernels and remembers their outputs, and `release` that frees them all. */
export function kernelScope(backend: object) {
  const temps: tf.TensorInfo[] = []
  return {
    run(name: string, inputs: tf.NamedTensorInfoMap, attrs: object): tf.TensorInfo {
      const out = callKernel(name, "wasm", backend, inputs, attrs)
      temps.push(out)
      return out
    },
    release(): void {
      disposeAll(backend, temps)
    },
  }
}
