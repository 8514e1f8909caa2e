/**
 * wasm matmul with transposed operands: tfjs 4.22's wasm kernel reads a transposed `a` ~12x slower (and a
 * transposed `b` ~2x slower) than an explicit Transpose followed by a plain matmul, and matmul gradients
 * always ask for transposed operands. This wraps the registered kernel to transpose first.
 */
import * as tf from "@tensorflow/tfjs"
import { callKernel, disposeAll, swapLastTwo } from "./_compose.ts"

const wrapped = Symbol.for("sniper/tensor-runtime/explicit-transpose")

/** A kernel config for `name` on wasm that transposes explicitly, then calls `original`. */
export function explicitTransposeKernel(original: tf.KernelConfig): tf.KernelConfig {
  if ((original as unknown as Record<symbol, boolean>)[wrapped]) return original
  const config: tf.KernelConfig = {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean }
      if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs })
      const temps: tf.TensorInfo[] = []
      const flip = (t: tf.TensorInfo) => {
        const out = callKernel(tf.Transpose, "wasm", backend, { x: t }, { perm: swapLastTwo(t.shape.length) })
        temps.push(out)
        return out
      }
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo }
      const plain = { ...inputs, a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b }
      const out = original.kernelFunc({
        inputs: plain,
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      })
      disposeAll(backend, temps)
      return out
    },
  }
  Object.defineProperty(config, wrapped, { value: true })
  return config
}
