/**
 * RoIAlign with aligned=true semantics (detectron2's ROIAlignV2, torchvision's `roi_align(aligned=True)`),
 * differentiable with respect to the feature map. The sampling grid is separable, so each output cell is a
 * weighted sum of a few feature pixels (bilinear weights merged per pixel); forward and backward are kernels
 * looping over the NHWC data in backend memory (wasm heap, cpu arrays), the channel loop innermost.
 */
import * as tf from "@tensorflow/tfjs"
import { runBackward, runForward, type Taps, transposeTaps } from "./kernels/roi_align_kernel.ts"

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
