/** Test-only: the backend tests run on (SNIPER_BACKEND, default wasm) with tensor-runtime's training kernels. */
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { registerTrainingKernels } from "@sniper/tensor-runtime"

export async function readyBackend(): Promise<string> {
  registerTrainingKernels()
  const want = process.env.SNIPER_BACKEND ?? "wasm"
  await tf.setBackend(want === "auto" ? "wasm" : want)
  return tf.getBackend()
}
