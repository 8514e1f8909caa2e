/**
 * RoIAlign with aligned=true semantics (detectron2's ROIAlignV2, torchvision's `roi_align(aligned=True)`),
 * differentiable with respect to the feature map. The sampling grid is separable, so each output cell is a
 * weighted sum of a few feature pixels (bilinear weights merged per pixel); forward and backward are kernels
 * looping over the NHWC data in backend memory (wasm heap, cpu arrays), the channel loop innermost.
 */
import * as tf from "@tensorflow/tfjs"

export interface RoiAlignOptions {
  /** Output cells per RoI: [height, width] or one number for both. */
  readonly outputSize: number | readonly [number, number]
  /** Feature pixels per input pixel, e.g. 1/16 for a stride-16 map. */
  readonly spatialScale: number
  /** Samples per bin and axis; 0 = adaptive, ceil(roi size / output size) as in detectron2. */
  readonly samplingRatio: number
  /** Shift box coordinates by -0.5 feature px (pixel centers); default true. */
  readonly aligned?: boolean
}

/** For one axis of one RoI: per output bin, the feature indices it reads and their weights (already averaged). */
interface AxisPlan {
  readonly start: Int32Array // bins + 1 offsets into index/weight
  readonly index: Int32Array
  readonly weight: Float64Array
}

/** Bilinear weights of `count` samples per bin along one axis, merged per feature index (torchvision's rules). */
function axisPlan(lo: number, size: number, bins: number, count: number, length: number): AxisPlan {
  const start = new Int32Array(bins + 1)
  const index: number[] = []
  const weight: number[] = []
  const binSize = size / bins
  for (let b = 0; b < bins; b++) {
    const merged = new Map<number, number>()
    for (let i = 0; i < count; i++) {
      let v = lo + b * binSize + ((i + 0.5) * binSize) / count
      if (v < -1 || v > length) continue // the whole sample reads zero
      if (v <= 0) v = 0
      let low = Math.floor(v)
      let high = low + 1
      if (low >= length - 1) {
        low = high = length - 1
        v = low
      }
      const frac = v - low
      merged.set(low, (merged.get(low) ?? 0) + (1 - frac) / count)
      merged.set(high, (merged.get(high) ?? 0) + frac / count)
    }
    for (const [k, w] of merged) {
      if (w === 0) continue
      index.push(k)
      weight.push(w)
    }
    start[b + 1] = index.length
  }
  return { start, index: Int32Array.from(index), weight: Float64Array.from(weight) }
}

interface Plan {
  readonly ys: ReadonlyArray<AxisPlan>
  readonly xs: ReadonlyArray<AxisPlan>
  readonly image: Int32Array
}

function makePlan(
  boxes: ArrayLike<number>,
  boxIndex: ArrayLike<number>,
  featureShape: readonly number[],
  oh: number,
  ow: number,
  options: RoiAlignOptions,
): Plan {
  const [n, h, w] = featureShape
  const offset = options.aligned === false ? 0 : 0.5
  const ys: AxisPlan[] = []
  const xs: AxisPlan[] = []
  const image = new Int32Array(boxIndex.length)
  for (let r = 0; r < boxIndex.length; r++) {
    const b = boxIndex[r]
    if (!Number.isInteger(b) || b < 0 || b >= n) {
      throw new RangeError(`Cannot align RoIs: boxIndex[${r}] must be an image in [0, ${n}), current value is ${b}`)
    }
    image[r] = b
    const x1 = boxes[4 * r] * options.spatialScale - offset
    const y1 = boxes[4 * r + 1] * options.spatialScale - offset
    let rw = boxes[4 * r + 2] * options.spatialScale - offset - x1
    let rh = boxes[4 * r + 3] * options.spatialScale - offset - y1
    if (options.aligned === false) {
      rw = Math.max(rw, 1)
      rh = Math.max(rh, 1)
    }
    const gy = options.samplingRatio > 0 ? options.samplingRatio : Math.max(0, Math.ceil(rh / oh))
    const gx = options.samplingRatio > 0 ? options.samplingRatio : Math.max(0, Math.ceil(rw / ow))
    ys.push(axisPlan(y1, rh, oh, gy, h))
    xs.push(axisPlan(x1, rw, ow, gx, w))
  }
  return { ys, xs, image }
}

/** The (feature offset, weight) taps of every output cell, flattened: cell i uses taps [start[i], start[i + 1]). */
interface Taps {
  readonly start: Int32Array
  readonly offset: Int32Array
  readonly weight: Float32Array
}

/** Expands the per-axis plans into per-cell taps (offsets in elements of the NHWC feature data). */
function cellTaps(plan: Plan, shape: readonly number[], oh: number, ow: number): Taps {
  const [, h, w, c] = shape
  const rois = plan.image.length
  let total = 0
  for (let r = 0; r < rois; r++) {
    const py = plan.ys[r]
    const px = plan.xs[r]
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) total += (py.start[i + 1] - py.start[i]) * (px.start[j + 1] - px.start[j])
    }
  }
  const start = new Int32Array(rois * oh * ow + 1)
  const offset = new Int32Array(total)
  const weight = new Float32Array(total)
  let t = 0
  for (let r = 0; r < rois; r++) {
    const py = plan.ys[r]
    const px = plan.xs[r]
    const imageBase = plan.image[r] * h * w * c
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let a = py.start[i]; a < py.start[i + 1]; a++) {
          for (let b = px.start[j]; b < px.start[j + 1]; b++) {
            offset[t] = imageBase + (py.index[a] * w + px.index[b]) * c
            weight[t++] = py.weight[a] * px.weight[b]
          }
        }
        start[(r * oh + i) * ow + j + 1] = t
      }
    }
  }
  return { start, offset, weight }
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
function transposeTaps(taps: Taps, pixels: number, c: number): Taps {
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

function runForward(features: tf.Tensor, taps: Taps, outShape: number[]): tf.Tensor4D {
  const attrs = { taps, shape: features.shape, outShape } as unknown as tf.NamedAttrMap
  if (tf.getKernel(ROI_ALIGN, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(ROI_ALIGN, { features }, attrs) as tf.Tensor4D
  }
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1))
  gatherTaps(features.dataSync() as Float32Array, taps, features.shape[3] as number, out)
  return tf.tensor4d(out, outShape as [number, number, number, number])
}

function runBackward(dy: tf.Tensor, taps: Taps, shape: number[]): tf.Tensor4D {
  const attrs = { taps, shape } as unknown as tf.NamedAttrMap
  if (tf.getKernel(ROI_ALIGN_GRAD, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(ROI_ALIGN_GRAD, { dy }, attrs) as tf.Tensor4D
  }
  const dx = new Float32Array(shape.reduce((a, b) => a * b, 1))
  gatherTaps(dy.dataSync() as Float32Array, taps, shape[3], dx)
  return tf.tensor4d(dx, shape as [number, number, number, number])
}

function readNumbers(
  t: tf.Tensor | ArrayLike<number>,
  what: string,
  check: (shape: readonly number[]) => boolean,
  want: string,
) {
  if (t instanceof tf.Tensor) {
    if (!check(t.shape))
      throw new RangeError(`Cannot align RoIs: ${what} must be ${want}, current shape is [${t.shape}]`)
    return t.dataSync()
  }
  if (!check([t.length]))
    throw new RangeError(`Cannot align RoIs: ${what} must be ${want}, current length is ${t.length}`)
  return t
}

/**
 * Pools `features` [N, H, W, C] over `boxes` [R, 4] (x1, y1, x2, y2 in input pixels; a tensor or a flat
 * array) of images `boxIndex` [R] into [R, oh, ow, C]. Differentiable with respect to `features` only:
 * boxes are constants, as proposals are in Faster R-CNN.
 */
export function roiAlign(
  features: tf.Tensor4D,
  boxes: tf.Tensor2D | ArrayLike<number>,
  boxIndex: tf.Tensor1D | ArrayLike<number>,
  options: RoiAlignOptions,
): tf.Tensor4D {
  if (features.rank !== 4) {
    throw new RangeError(`Cannot align RoIs: features must be [N, H, W, C], current shape is [${features.shape}]`)
  }
  const [oh, ow] =
    typeof options.outputSize === "number" ? [options.outputSize, options.outputSize] : options.outputSize
  if (!(Number.isInteger(oh) && Number.isInteger(ow) && oh > 0 && ow > 0)) {
    throw new RangeError(
      `Cannot align RoIs: outputSize must be positive integers, current value is ${options.outputSize}`,
    )
  }
  if (!(options.spatialScale > 0) || !(Number.isInteger(options.samplingRatio) && options.samplingRatio >= 0)) {
    throw new RangeError(
      `Cannot align RoIs: spatialScale must be > 0 and samplingRatio an integer >= 0, current values are ${options.spatialScale} and ${options.samplingRatio}`,
    )
  }
  const b = readNumbers(boxes, "boxes", (s) => (s.length === 2 ? s[1] === 4 : s[0] % 4 === 0), "[R, 4]")
  const ix = readNumbers(boxIndex, "boxIndex", (s) => s.length === 1 && s[0] * 4 === b.length, `[${b.length / 4}]`)
  const shape = features.shape
  const taps = cellTaps(makePlan(b, ix, shape, oh, ow, options), shape, oh, ow)
  const outShape = [ix.length, oh, ow, shape[3]]
  const op = tf.customGrad((f) => ({
    value: runForward(f as tf.Tensor, taps, outShape),
    gradFunc: (dy) =>
      runBackward(dy as tf.Tensor, transposeTaps(taps, shape[0] * shape[1] * shape[2], shape[3]), shape),
  }))
  return op(features) as tf.Tensor4D
}
