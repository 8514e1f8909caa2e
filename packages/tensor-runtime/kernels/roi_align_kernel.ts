/**
 * The RoIAlign kernels: each output cell is a weighted sum of a few feature pixels ("taps"); forward gathers
 * them, backward gathers dy over the transposed taps. Registered for wasm and cpu, where they read and write
 * backend memory directly (a 512-RoI, 14x14, 1024-channel output is 400 MB: no extra copies).
 */
import * as tf from "@tensorflow/tfjs"

/** The (feature offset, weight) taps of every output cell, flattened: cell i uses taps [start[i], start[i + 1]). */
export interface Taps {
  readonly start: Int32Array
  readonly offset: Int32Array
  readonly weight: Float32Array
}

/** out[cell, :] = sum over taps of weight * data[offset + :], four taps per pass to keep the row in cache. */
function gatherTaps(data: ArrayLike<number>, taps: Taps, c: number, out: Float32Array): void {
  const cells = taps.start.length - 1
  const { start, offset, weight } = taps
  for (let cell = 0; cell < cells; cell++) {
    const dst = cell * c
    const end = start[cell + 1]
    let t = start[cell]
    if (t === end) {
      out.fill(0, dst, dst + c)
      continue
    }
    let first = true
    while (t < end) {
      const n = Math.min(4, end - t)
      const s0 = offset[t]
      const w0 = weight[t]
      const s1 = n > 1 ? offset[t + 1] : s0
      const w1 = n > 1 ? weight[t + 1] : 0
      const s2 = n > 2 ? offset[t + 2] : s0
      const w2 = n > 2 ? weight[t + 2] : 0
      const s3 = n > 3 ? offset[t + 3] : s0
      const w3 = n > 3 ? weight[t + 3] : 0
      if (first) {
        for (let k = 0; k < c; k++) {
          out[dst + k] = w0 * data[s0 + k] + w1 * data[s1 + k] + w2 * data[s2 + k] + w3 * data[s3 + k]
        }
      } else {
        for (let k = 0; k < c; k++) {
          out[dst + k] += w0 * data[s0 + k] + w1 * data[s1 + k] + w2 * data[s2 + k] + w3 * data[s3 + k]
        }
      }
      first = false
      t += n
    }
  }
}

/**
 * The same taps seen from the feature side: pixel p (of N*H*W) receives weight * dy[cell] from each of its
 * taps, so the backward pass is `gatherTaps` over dy (each dx row written once, four inputs per pass).
 */
export function transposeTaps(taps: Taps, pixels: number, c: number): Taps {
  const { start, offset, weight } = taps
  const counts = new Int32Array(pixels + 1)
  for (let t = 0; t < offset.length; t++) counts[offset[t] / c + 1]++
  for (let p = 0; p < pixels; p++) counts[p + 1] += counts[p]
  const fill = counts.slice(0, pixels)
  const cellOffset = new Int32Array(offset.length)
  const w = new Float32Array(offset.length)
  for (let cell = 0; cell + 1 < start.length; cell++) {
    for (let t = start[cell]; t < start[cell + 1]; t++) {
      const at = fill[offset[t] / c]++
      cellOffset[at] = cell * c
      w[at] = weight[t]
    }
  }
  return { start: counts, offset: cellOffset, weight: w }
}

/** Backend memory access the kernels need: wasm hands out heap views, cpu its stored arrays. */
interface Memory {
  read(info: tf.TensorInfo): ArrayLike<number>
  output(shape: number[]): { info: tf.TensorInfo; values: Float32Array }
}

function memoryOf(backend: object, backendName: string): Memory {
  if (backendName === "wasm") {
    const heap = backend as {
      makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
      typedArrayFromHeap(info: tf.TensorInfo): Float32Array
    }
    return {
      read: (info) => heap.typedArrayFromHeap(info),
      output: (shape) => {
        const info = heap.makeOutput(shape, "float32")
        return { info, values: heap.typedArrayFromHeap(info) }
      },
    }
  }
  const cpu = backend as tf.KernelBackend & {
    makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo
  }
  return {
    read: (info) => cpu.readSync(info.dataId) as Float32Array,
    output: (shape) => {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1))
      return { info: cpu.makeTensorInfo(shape, "float32", values), values }
    },
  }
}

/** Kernel names of the forward and backward passes (the backward one takes transposed taps) (custom, registered for wasm and cpu). */
export const ROI_ALIGN = "SniperRoiAlign"
export const ROI_ALIGN_GRAD = "SniperRoiAlignGrad"

interface KernelAttrs {
  readonly taps: Taps
  readonly shape: ReadonlyArray<number>
}

function roiAlignKernels(backendName: string): tf.KernelConfig[] {
  return [
    {
      kernelName: ROI_ALIGN,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { taps, shape } = attrs as unknown as KernelAttrs & { outShape: number[] }
        const memory = memoryOf(backend, backendName)
        const out = memory.output((attrs as unknown as { outShape: number[] }).outShape)
        gatherTaps(memory.read(inputs.features as tf.TensorInfo), taps, shape[3], out.values)
        return out.info
      },
    },
    {
      kernelName: ROI_ALIGN_GRAD,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { taps, shape } = attrs as unknown as KernelAttrs
        const memory = memoryOf(backend, backendName)
        const out = memory.output([...shape])
        gatherTaps(memory.read(inputs.dy as tf.TensorInfo), taps, shape[3], out.values)
        return out.info
      },
    },
  ]
}

/** The RoIAlign kernels for the backends whose memory they can address directly. */
export const roiAlignKernelConfigs: ReadonlyArray<tf.KernelConfig> = [
  ...roiAlignKernels("wasm"),
  ...roiAlignKernels("cpu"),
]

export function runForward(features: tf.Tensor, taps: Taps, outShape: number[]): tf.Tensor4D {
  const attrs = { taps, shape: features.shape, outShape } as unknown as tf.NamedAttrMap
  if (tf.getKernel(ROI_ALIGN, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(ROI_ALIGN, { features }, attrs) as tf.Tensor4D
  }
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1))
  gatherTaps(features.dataSync() as Float32Array, taps, features.shape[3] as number, out)
  return tf.tensor4d(out, outShape as [number, number, number, number])
}

export function runBackward(dy: tf.Tensor, taps: Taps, shape: number[]): tf.Tensor4D {
  const attrs = { taps, shape } as unknown as tf.NamedAttrMap
  if (tf.getKernel(ROI_ALIGN_GRAD, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(ROI_ALIGN_GRAD, { dy }, attrs) as tf.Tensor4D
  }
  const dx = new Float32Array(shape.reduce((a, b) => a * b, 1))
  gatherTaps(dy.dataSync() as Float32Array, taps, shape[3], dx)
  return tf.tensor4d(dx, shape as [number, number, number, number])
}
