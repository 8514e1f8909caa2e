/**
 * Identity on wasm that shares the input's buffer (reference-counted, as the cpu and webgl backends do) instead
 * of copying it. tfjs runs Identity on every tensor a recorded op saves for its gradient, so the copying kernel
 * doubled the memory of saved activations and spent ~7% of a training step copying them.
 */
import * as tf from "@tensorflow/tfjs"

/** BackendWasm's reference count on a buffer (its disposeData frees only at zero, as for Reshape). */
interface SharedBuffers {
  incRef(dataId: object): void
}

export const sharedIdentityWasm: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo }
    ;(backend as unknown as SharedBuffers).incRef(x.dataId)
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
  },
}
