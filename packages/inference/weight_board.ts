import type { Detector } from "@sniper/detector-model"
import * as tf from "@tensorflow/tfjs"

/** Values in all of a detector's variables. */
function totalSize(detector: Detector): number {
  let n = 0
  for (const v of detector.params.variables.values()) n += v.size
  return n
}

/**
 * Writes every variable of `detector` (trainable or not, in `params.variables` order) end to end into `board`,
 * a float32 view of a SharedArrayBuffer that every worker reads: one copy per step whatever the number of
 * workers. Returns `board`, or a new one when it is missing or of another size.
 */
export function writeWeights(detector: Detector, board: Float32Array | undefined): Float32Array {
  const size = totalSize(detector)
  const out = board?.length === size ? board : new Float32Array(new SharedArrayBuffer(4 * size))
  let offset = 0
  for (const v of detector.params.variables.values()) {
    out.set(v.dataSync() as Float32Array, offset)
    offset += v.size
  }
  return out
}

/** Sets every variable of `detector` from a board written by `writeWeights` for a detector of the same config. */
export function readWeights(detector: Detector, board: Float32Array): void {
  const size = totalSize(detector)
  if (board.length !== size)
    throw new RangeError(`Cannot load weights: the board must hold ${size} values, current value is ${board.length}`)
  let offset = 0
  for (const v of detector.params.variables.values()) {
    // wasm copies into its heap at once; another backend may keep the array it is given (the board changes at
    // the next step) or not take shared memory, so it gets a copy.
    const end = offset + v.size
    const values = tf.getBackend() === "wasm" ? board.subarray(offset, end) : board.slice(offset, end)
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, "float32")))
    offset += v.size
  }
}
