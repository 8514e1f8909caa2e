import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { maxRelativeError, onBackend, randomArray, readyBackends } from "../backend_fixtures.ts"

beforeAll(readyBackends)

const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

type Pad = "same" | "valid" | tf.backend_util.ExplicitPadding

/** The cpu backend's own kernels, on a filter with the dilation spelled out as zero taps (chain rule back). */
function cpuReference(x: tf.Tensor4D, dy: tf.Tensor4D, w: tf.Tensor4D, s: number, d: number, pad: Pad) {
  const [kh, kw, ci, co] = w.shape
  const eh = (kh - 1) * d + 1
  const ew = (kw - 1) * d + 1
  const wd = tf.buffer([eh, ew, ci, co])
  const wv = w.bufferSync()
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++)
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) wd.set(wv.get(a, b, i, o), a * d, b * d, i, o)
  const dxRef = tf
    .engine()
    .runKernel(
      tf.Conv2DBackpropInput,
      { dy, filter: wd.toTensor() },
      { strides: [s, s], pad, dataFormat: "NHWC", inputShape: x.shape },
    ) as tf.Tensor4D
  const dwDilated = tf
    .engine()
    .runKernel(
      tf.Conv2DBackpropFilter,
      { x, dy },
      { strides: [s, s], pad, dataFormat: "NHWC", filterShape: [eh, ew, ci, co] },
    ) as tf.Tensor4D
  const dwRef = tf.stridedSlice(dwDilated, [0, 0, 0, 0], [eh, ew, ci, co], [d, d, 1, 1])
  return [dxRef, dwRef]
}

function check(n: number, h: number, w: number, ci: number, co: number, k: number, s: number, d: number, pad: Pad) {
  const x = { shape: [n, h, w, ci], data: randomArray(n * h * w * ci, 1 + h * w) }
  const f = { shape: [k, k, ci, co], data: randomArray(k * k * ci * co, 2 + k) }
  const grads = (backend: "cpu" | "wasm") =>
    onBackend(backend, [x, f], (xt, ft) => {
      const lossOf = (a: tf.Tensor, b: tf.Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad, "NHWC", d)
        return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))))
      }
      return tf.grads(lossOf)([xt, ft])
    })
  const [dxWasm, dwWasm] = grads("wasm")
  const [dxCpu, dwCpu] = grads("cpu")
  const [dxRef, dwRef] = onBackend("cpu", [x, f], (xt, ft) => {
    const y = tf.conv2d(xt as tf.Tensor4D, ft as tf.Tensor4D, s, pad, "NHWC", d)
    const dy = tf.sin(tf.range(0, y.size).reshape(y.shape)) as tf.Tensor4D
    return cpuReference(xt as tf.Tensor4D, dy, ft as tf.Tensor4D, s, d, pad)
  })
  assert.deepStrictEqual(dxWasm.shape, [n, h, w, ci])
  assert.deepStrictEqual(dwWasm.shape, [k, k, ci, co])
  assert.isBelow(maxRelativeError(dxWasm.data, dxRef.data), 1e-4, "dx on wasm")
  assert.isBelow(maxRelativeError(dwWasm.data, dwRef.data), 1e-4, "dfilter on wasm")
  assert.isBelow(maxRelativeError(dxCpu.data, dxRef.data), 1e-4, "dx on cpu")
  assert.isBelow(maxRelativeError(dwCpu.data, dwRef.data), 1e-4, "dfilter on cpu")
}

describe("conv2dGrad", () => {
  it("matches a hand-worked 1-D case", () => {
    // x = [1, 2, 3], w = [1, 10] valid: y = [21, 32]; loss = y0 + 2 y1 so dw = [1 + 4, 2 + 6], dx = [1, 12, 20]
    const [dx, dw] = onBackend("wasm", [], () => {
      const x = tf.tensor4d([1, 2, 3], [1, 1, 3, 1])
      const w = tf.tensor4d([1, 10], [1, 2, 1, 1])
      return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "valid"), tf.tensor4d([1, 2], [1, 1, 2, 1]))),
      )([x, w])
    })
    assert.deepStrictEqual([...dx.data], [1, 12, 20])
    assert.deepStrictEqual([...dw.data], [5, 8])
  })

  it("matches a hand-worked strided and a dilated 1-D case", () => {
    // x = [1, 2, 3, 4, 5], w = [1, 10], stride 2 valid: y = [1 + 20, 3 + 40] = [21, 43] at x0..x1 and x2..x3;
    // loss = y0 + 2 y1: dw = [1 + 2 * 3, 2 + 2 * 4] = [7, 10], dx = [1, 10, 2, 20, 0]
    const [dx, dw] = onBackend("wasm", [], () =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "valid"), tf.tensor4d([1, 2], [1, 1, 2, 1]))),
      )([tf.tensor4d([1, 2, 3, 4, 5], [1, 1, 5, 1]), tf.tensor4d([1, 10], [1, 2, 1, 1])]),
    )
    assert.deepStrictEqual([...dx.data], [1, 10, 2, 20, 0])
    assert.deepStrictEqual([...dw.data], [7, 10])
    // dilation 2: y = [x0 + 10 x2, x1 + 10 x3, x2 + 10 x4] = [31, 42, 53]; loss = sum y:
    // dw = [x0 + x1 + x2, x2 + x3 + x4] = [6, 12], dx = [1, 1, 11, 10, 10]
    const [ddx, ddw] = onBackend("wasm", [], () =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "valid", "NHWC", [1, 2])),
      )([tf.tensor4d([1, 2, 3, 4, 5], [1, 1, 5, 1]), tf.tensor4d([1, 10], [1, 2, 1, 1])]),
    )
    assert.deepStrictEqual([...ddx.data], [1, 1, 11, 10, 10])
    assert.deepStrictEqual([...ddw.data], [6, 12])
  })

  it("matches the cpu kernels for the convolutions of a ResNet", () => {
    check(2, 17, 13, 3, 4, 7, 2, 1, "same") // conv1
    check(1, 9, 9, 5, 6, 1, 2, 1, "valid") // strided 1x1 shortcut
    check(2, 9, 8, 4, 3, 3, 2, 1, "same") // strided 3x3
    check(1, 11, 7, 4, 5, 3, 1, 2, "same") // res5 dilation 2
    check(1, 10, 10, 3, 2, 3, 1, 2, [
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ]) // explicit padding, dilation 2
  })

  it.prop(
    "matches the cpu kernels on random shapes",
    {
      n: int(1, 2),
      h: int(5, 14),
      w: int(5, 14),
      ci: int(1, 5),
      co: int(1, 5),
      k: Schema.Literals([1, 2, 3, 5]),
      s: Schema.Literals([1, 2, 3]),
      d: Schema.Literals([1, 2]),
      pad: Schema.Literals(["same", "valid", "explicit"]),
    },
    (c) => {
      const pad: Pad =
        c.pad === "explicit"
          ? [
              [0, 0],
              [1, 0],
              [0, 2],
              [0, 0],
            ]
          : c.pad
      // tfjs's conv2d refuses stride and dilation both above 1
      if ((c.pad !== "same" && (c.k - 1) * c.d + 1 > Math.min(c.h, c.w)) || (c.s > 1 && c.d > 1)) return
      check(c.n, c.h, c.w, c.ci, c.co, c.k, c.s, c.d, pad)
    },
    { arbitrary: { runs: 25 } },
  )

  it("agrees with a numerical gradient for a dilated conv", () => {
    const x = { shape: [1, 7, 6, 2], data: randomArray(84, 9) }
    const f = { shape: [3, 3, 2, 2], data: randomArray(36, 10) }
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same", "NHWC", 2)))
    const [, dw] = onBackend("wasm", [x, f], (a, b) => tf.grads(loss)([a, b]))
    const eps = 1e-2
    for (const i of [0, 7, 20, 35]) {
      const plus = Float32Array.from(f.data)
      const minus = Float32Array.from(f.data)
      plus[i] += eps
      minus[i] -= eps
      const [lp, lm] = [plus, minus].map(
        (data) => onBackend("cpu", [x, { shape: f.shape, data }], (a, b) => loss(a, b))[0].data[0],
      )
      assert.closeTo(dw.data[i], (lp - lm) / (2 * eps), 2e-2 * Math.max(1, Math.abs(dw.data[i])))
    }
  })
})
