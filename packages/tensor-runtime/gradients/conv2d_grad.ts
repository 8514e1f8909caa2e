/**
 * Conv2D gradients that run on every backend, with any stride, padding and dilation (tfjs's own refuse
 * dilation > 1, and wasm has no Conv2DBackpropFilter kernel). NHWC input, HWIO filter.
 */
import * as tf from "@tensorflow/tfjs"

/** Conv2D attributes as tfjs stores them on the tape. */
export interface ConvAttrs {
  readonly strides: number | readonly [number, number]
  readonly pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding
  readonly dilations: number | readonly [number, number]
  readonly dimRoundingMode?: "floor" | "round" | "ceil"
  readonly dataFormat?: "NHWC" | "NCHW"
}

function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === "number" ? [v, v] : [v[0], v[1]]
}

function convInfo(xShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs) {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") {
    throw new RangeError(`Cannot differentiate conv2d: only NHWC is supported, current value is ${attrs.dataFormat}`)
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    pair(attrs.strides),
    pair(attrs.dilations),
    attrs.pad as "same",
    attrs.dimRoundingMode,
  )
}

/** Pads or crops rows and columns of `x` so that its row 0 is input row `-top`, giving `height` x `width`. */
function padOrCrop(x: tf.Tensor4D, top: number, left: number, height: number, width: number): tf.Tensor4D {
  const [, h, w] = x.shape
  const bottom = height - h - top
  const right = width - w - left
  const padded =
    top > 0 || left > 0 || bottom > 0 || right > 0
      ? tf.pad(x, [
          [0, 0],
          [Math.max(0, top), Math.max(0, bottom)],
          [Math.max(0, left), Math.max(0, right)],
          [0, 0],
        ])
      : x
  if (top >= 0 && left >= 0 && padded.shape[1] === height && padded.shape[2] === width) return padded
  return tf.slice(padded, [0, Math.max(0, -top), Math.max(0, -left), 0], [-1, height, width, -1])
}

/**
 * dL/dfilter of a conv2d: a convolution of the transposed input ([Cin, H, W, N]) with the transposed output
 * gradient ([oh, ow, N, Cout]), the stride becoming the dilation; 1x1 filters are a single matmul.
 */
export function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, attrs)
    const [kh, kw, ci, co] = filterShape
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
    const oh = info.outHeight
    const ow = info.outWidth
    const needH = (kh - 1) * dh + (oh - 1) * sh + 1
    const needW = (kw - 1) * dw + (ow - 1) * sw + 1
    const xp = padOrCrop(x, info.padInfo.top, info.padInfo.left, needH, needW)
    const n = x.shape[0]
    if (kh === 1 && kw === 1) {
      const xs = sh === 1 && sw === 1 ? xp : tf.stridedSlice(xp, [0, 0, 0, 0], [n, needH, needW, ci], [1, sh, sw, 1])
      // wasm's matmul with transposeA is ~25x slower than an explicit transpose
      return tf.matMul(tf.transpose(xs.reshape([-1, ci])), dy.reshape([-1, co])).reshape([1, 1, ci, co])
    }
    // tfjs's conv2d takes stride > 1 or dilation > 1, never both, so the swapped convolution is always valid
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D
    const out = tf.conv2d(xt, dyt, [dh, dw], "valid", "NHWC", [sh, sw])
    return tf.transpose(out, [1, 2, 0, 3])
  })
}

/** Inserts `s - 1` zero rows (columns) after each row (column) of `dy`: the stride undone. */
function zeroInsert(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy
  const [n, oh, ow, c] = dy.shape
  return tf
    .pad(dy.reshape([n, oh, 1, ow, 1, c]), [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ])
    .reshape([n, oh * sh, ow * sw, c])
}

/**
 * dL/dx of a conv2d with any stride, padding and dilation: dx[i] = sum_k u[i + pad - k d] w[k] where u is dy
 * with the stride undone, i.e. a stride-1 dilated convolution with the flipped, transposed filter (wasm's
 * Conv2DBackpropInput kernel is ~10x slower than its Conv2D).
 */
export function conv2dInputGradient(
  xShape: readonly [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: ConvAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(xShape, filter.shape, attrs)
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
    const [kh, kw] = filter.shape
    const [, h, w] = xShape
    const flipped = (kh === 1 && kw === 1 ? filter : tf.reverse(filter, [0, 1])).transpose([0, 1, 3, 2]) as tf.Tensor4D
    const u = zeroInsert(dy, sh, sw)
    const padTop = (kh - 1) * dh - info.padInfo.top
    const padLeft = (kw - 1) * dw - info.padInfo.left
    const up = padOrCrop(u, padTop, padLeft, h + (kh - 1) * dh, w + (kw - 1) * dw)
    return tf.conv2d(up, flipped, 1, "valid", "NHWC", [dh, dw])
  })
}

/** Replaces tfjs's Conv2D gradient; native TensorFlow keeps its own filter-gradient kernel when it can. */
export const conv2dGrad: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ["x", "filter"],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D]
    const convAttrs = attrs as unknown as ConvAttrs
    const g = dy as tf.Tensor4D
    const native = tf.getBackend() === "tensorflow" && pair(convAttrs.dilations).every((d) => d === 1)
    return {
      x: () => conv2dInputGradient(x.shape, g, filter, convAttrs),
      filter: () =>
        native
          ? (tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: g }, {
              ...convAttrs,
              filterShape: filter.shape,
            } as unknown as tf.NamedAttrMap) as tf.Tensor4D)
          : conv2dFilterGradient(x, g, filter.shape, convAttrs),
    }
  },
}
