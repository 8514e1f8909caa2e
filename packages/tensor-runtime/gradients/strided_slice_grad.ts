/** StridedSlice's gradient (tfjs has none): dy scattered back to the positions the slice read. */
import * as tf from "@tensorflow/tfjs"

interface StridedSliceAttrs {
  readonly begin: number[]
  readonly end: number[]
  readonly strides: number[]
  readonly beginMask: number
  readonly endMask: number
  readonly ellipsisMask: number
  readonly newAxisMask: number
  readonly shrinkAxisMask: number
}

/** Flat indices into a tensor of `shape` of every element the dense slice (begin, strides, counts) visits. */
function visitedIndices(shape: readonly number[], begin: number[], strides: number[], counts: number[]): Int32Array {
  const size = counts.reduce((a, b) => a * b, 1)
  const out = new Int32Array(size)
  const rank = shape.length
  const stride = new Array<number>(rank).fill(1)
  for (let d = rank - 2; d >= 0; d--) stride[d] = stride[d + 1] * shape[d + 1]
  const at = new Array<number>(rank).fill(0)
  for (let i = 0; i < size; i++) {
    let flat = 0
    for (let d = 0; d < rank; d++) flat += (begin[d] + at[d] * strides[d]) * stride[d]
    out[i] = flat
    for (let d = rank - 1; d >= 0; d--) {
      if (++at[d] < counts[d]) break
      at[d] = 0
    }
  }
  return out
}

export const stridedSliceGrad: tf.GradConfig = {
  kernelName: tf.StridedSlice,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved
    const a = attrs as unknown as StridedSliceAttrs
    return {
      x: () => {
        const info = tf.slice_util.sliceInfo(
          x.shape,
          a.begin,
          a.end,
          a.strides,
          a.beginMask,
          a.endMask,
          a.ellipsisMask,
          a.newAxisMask,
          a.shrinkAxisMask,
        )
        const counts = info.begin.map((b, d) => {
          const s = info.strides[d]
          return Math.max(0, Math.ceil((info.end[d] - b) / s))
        })
        const indices = visitedIndices(x.shape, info.begin, info.strides, counts)
        const flat = tf.scatterND(tf.tensor2d(indices, [indices.length, 1], "int32"), (dy as tf.Tensor).reshape([-1]), [
          x.size,
        ])
        return flat.reshape(x.shape)
      },
    }
  },
}
