/** Test support: both backends ready, run a closure on one and read its tensors back. */
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { Prng } from "@sniper/random"
import { registerTrainingKernels } from "./register_training_kernels.ts"

/** Registers this package's kernels and makes sure the cpu and wasm backends have initialised. */
export async function readyBackends(): Promise<void> {
  registerTrainingKernels()
  await tf.setBackend("wasm")
  await tf.setBackend("cpu")
}

/** Runs `f` on `backend` with inputs copied there, and returns its outputs as plain arrays. */
export function onBackend(
  backend: "cpu" | "wasm",
  inputs: ReadonlyArray<{ readonly shape: ReadonlyArray<number>; readonly data: Float32Array | Int32Array }>,
  f: (...xs: tf.Tensor[]) => tf.Tensor | ReadonlyArray<tf.Tensor>,
): Array<{ shape: number[]; data: Float32Array }> {
  const before = tf.getBackend()
  tf.setBackend(backend)
  try {
    return tf.tidy(() => {
      const xs = inputs.map((i) => tf.tensor(i.data, [...i.shape], i.data instanceof Int32Array ? "int32" : "float32"))
      const out = f(...xs)
      const outs = Array.isArray(out) ? out : [out as tf.Tensor]
      return outs.map((t) => ({ shape: t.shape, data: Float32Array.from(t.dataSync() as Float32Array) }))
    })
  } finally {
    tf.setBackend(before)
  }
}

/** A deterministic pseudo-random Float32Array, uniform in [-1, 1). */
export function randomArray(size: number, seed: number): Float32Array {
  const prng = new Prng([seed])
  const out = new Float32Array(size)
  for (let i = 0; i < size; i++) out[i] = prng.uniform(-1, 1)
  return out
}

/** Largest |a - b| relative to max(1, |b|): the error measure of every cross-backend comparison here. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`Cannot compare arrays: lengths ${a.length} and ${b.length} differ`)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])))
  return worst
}
