/** UnsortedSegmentSum for wasm (tfjs 4.22 lacks it, so gather had no gradient there): a loop over heap memory. */
import * as tf from "@tensorflow/tfjs"

/** The two wasm-backend methods this kernel needs (BackendWasm's own signatures). */
interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array
}

/** out[segmentIds[i], ...] += x[i, ...]; ids outside [0, numSegments) are dropped, as in TensorFlow. */
export function unsortedSegmentSumInto(
  x: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  out: { [i: number]: number; length: number; fill(v: number): unknown },
  numSegments: number,
): void {
  const inner = segmentIds.length === 0 ? 0 : x.length / segmentIds.length
  out.fill(0)
  for (let i = 0; i < segmentIds.length; i++) {
    const s = segmentIds[i]
    if (s < 0 || s >= numSegments) continue
    const src = i * inner
    const dst = s * inner
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j]
  }
}

export const unsortedSegmentSumWasm: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo }
    const { numSegments } = attrs as unknown as { numSegments: number }
    if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
      throw new RangeError(
        `Cannot sum segments: segmentIds must be [${x.shape[0]}], current value is [${segmentIds.shape.join(", ")}]`,
      )
    }
    const heap = backend as unknown as WasmHeap
    const out = heap.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype)
    unsortedSegmentSumInto(
      heap.typedArrayFromHeap(x),
      heap.typedArrayFromHeap(segmentIds),
      heap.typedArrayFromHeap(out),
      numSegments,
    )
    return out
  },
}
