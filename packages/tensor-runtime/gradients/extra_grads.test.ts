import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { maxRelativeError, onBackend, randomArray, readyBackends } from "../backend_fixtures.ts"

beforeAll(readyBackends)

const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

/** <A x, g> and <x, A' g> for a linear op A, its gradient computed by tf.grad on `backend`. */
function adjointPair(backend: "cpu" | "wasm", shape: number[], seed: number, op: (x: tf.Tensor) => tf.Tensor) {
  const x = randomArray(
    shape.reduce((a, b) => a * b, 1),
    seed,
  )
  const [y] = onBackend(backend, [{ shape, data: x }], (t) => op(t))
  const g = randomArray(y.data.length, seed + 1)
  const [dx] = onBackend(backend, [{ shape, data: x }], (t) =>
    tf.grad((u: tf.Tensor) => tf.sum(tf.mul(op(u), tf.tensor(g, y.shape))))(t),
  )
  let lhs = 0
  let rhs = 0
  for (let i = 0; i < g.length; i++) lhs += y.data[i] * g[i]
  for (let i = 0; i < x.length; i++) rhs += x[i] * dx.data[i]
  return { lhs, rhs, dx: dx.data }
}

describe("gatherND gradient", () => {
  it("sums repeated picks (hand-worked)", () => {
    const [dx] = onBackend("wasm", [], () =>
      tf.grad((p: tf.Tensor) => tf.sum(tf.gatherND(p, tf.tensor2d([[1], [0], [1]], [3, 1], "int32"))))(
        tf.tensor2d([1, 2, 3, 4], [2, 2]),
      ),
    )
    assert.deepStrictEqual([...dx.data], [1, 1, 2, 2])
  })
  it.prop(
    "is the adjoint of gatherND on both backends",
    { rows: int(1, 6), cols: int(1, 5), seed: int(0, 999), backend: Schema.Literals(["cpu", "wasm"]) },
    ({ rows, cols, seed, backend }) => {
      const picks = Array.from({ length: 7 }, (_, i) => [(i * 3 + seed) % rows, (i + seed) % cols])
      const { lhs, rhs } = adjointPair(backend, [rows, cols, 2], seed, (x) =>
        tf.gatherND(x, tf.tensor2d(picks, [7, 2], "int32")),
      )
      assert.closeTo(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)))
    },
    { arbitrary: { runs: 20 } },
  )
})

describe("stridedSlice gradient", () => {
  it("puts dy back where the slice read (hand-worked)", () => {
    const [dx] = onBackend("wasm", [], () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.stridedSlice(x, [1], [6], [2]), tf.tensor1d([1, 2, 3]))))(
        tf.zeros([7]),
      ),
    )
    assert.deepStrictEqual([...dx.data], [0, 1, 0, 2, 0, 3, 0])
  })
  it("reverses with a negative stride and drops a shrunk axis (hand-worked)", () => {
    // x[::-3] of 7 reads 6, 3, 0; weights 1, 2, 3 land there
    const [rev] = onBackend("wasm", [], () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.stridedSlice(x, [-1], [-8], [-3]), tf.tensor1d([1, 2, 3]))))(
        tf.zeros([7]),
      ),
    )
    assert.deepStrictEqual([...rev.data], [3, 0, 0, 2, 0, 0, 1])
    // row 1 of a 3x2 matrix, its axis shrunk: [a, b] -> weights 5, 7 on row 1 only
    const [row] = onBackend("wasm", [], () =>
      tf.grad((x: tf.Tensor) =>
        tf.sum(tf.mul(tf.stridedSlice(x, [1, 0], [2, 2], [1, 1], 0, 0, 0, 0, 1), tf.tensor1d([5, 7]))),
      )(tf.zeros([3, 2])),
    )
    assert.deepStrictEqual([...row.data], [0, 0, 5, 7, 0, 0])
  })
  it.prop(
    "is the adjoint of stridedSlice, with masks and negative strides",
    {
      h: int(2, 7),
      w: int(2, 7),
      s: int(1, 3),
      mask: int(0, 3),
      reverse: Schema.Boolean,
      seed: int(0, 999),
      backend: Schema.Literals(["cpu", "wasm"]),
    },
    ({ h, w, s, mask, reverse, seed, backend }) => {
      const op = (x: tf.Tensor) =>
        reverse
          ? tf.stridedSlice(x, [0, -1, 0], [1, -w - 1, 2], [1, -s, 1], mask, mask)
          : tf.stridedSlice(x, [0, 1, 0], [1, w, 2], [1, s, 1], mask, mask)
      const { lhs, rhs } = adjointPair(backend, [h, w, 2], seed, op)
      assert.closeTo(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)))
    },
    { arbitrary: { runs: 20 } },
  )
})

describe("cropAndResize gradient", () => {
  it("spreads a centre sample over its four neighbours and passes a whole-image crop through (hand-worked)", () => {
    // A 1x1 crop of box [0, 0, 1, 1] samples the image centre (0.5, 0.5) of a 2x2 image: weight 1/4 per pixel.
    // A 2x2 crop of the same box samples exactly the four pixels: the gradient is dy itself.
    const image = { shape: [1, 2, 2, 1], data: Float32Array.from([1, 2, 3, 4]) }
    const [centre, whole] = onBackend("wasm", [image], (x) => {
      const crop = (size: number, dy: ReadonlyArray<number>) =>
        tf.grad((t: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.image.cropAndResize(t as tf.Tensor4D, tf.tensor2d([[0, 0, 1, 1]]), tf.tensor1d([0], "int32"), [
                size,
                size,
              ]),
              tf.tensor(dy, [1, size, size, 1]),
            ),
          ),
        )(x)
      return [crop(1, [8]), crop(2, [1, 10, 100, 1000])]
    })
    assert.deepStrictEqual([...centre.data], [2, 2, 2, 2])
    assert.deepStrictEqual([...whole.data], [1, 10, 100, 1000])
  })
  it.prop(
    "is the adjoint of cropAndResize on both backends",
    { h: int(1, 8), w: int(1, 8), crop: int(1, 5), seed: int(0, 999), backend: Schema.Literals(["cpu", "wasm"]) },
    ({ h, w, crop, seed, backend }) => {
      const u = randomArray(12, seed + 5)
      const boxes = [0, 1, 2].flatMap((b) => [
        u[4 * b] * 0.7,
        u[4 * b + 1] * 0.7,
        u[4 * b + 2] + 0.4,
        u[4 * b + 3] + 0.4,
      ])
      const op = (x: tf.Tensor) =>
        tf.image.cropAndResize(x as tf.Tensor4D, tf.tensor2d(boxes, [3, 4]), tf.tensor1d([1, 0, 1], "int32"), [
          crop,
          crop + 1,
        ])
      const { lhs, rhs } = adjointPair(backend, [2, h, w, 3], seed, op)
      assert.closeTo(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)))
    },
    { arbitrary: { runs: 20 } },
  )
})

describe("comparison gradients", () => {
  it("let a mask computed from x pass through tf.grad", () => {
    const [dx] = onBackend("wasm", [], () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.where(tf.greater(x, 0), x, tf.mul(x, 0.1))))(tf.tensor1d([-1, 2])),
    )
    assert.deepStrictEqual(
      [...dx.data].map((v) => Math.round(v * 10) / 10),
      [0.1, 1],
    )
  })
})

describe("wasm matmul with transposed operands", () => {
  it.prop(
    "matches the cpu backend, forward and backward",
    { m: int(1, 6), k: int(1, 6), n: int(1, 6), ta: Schema.Boolean, tb: Schema.Boolean, seed: int(0, 999) },
    ({ m, k, n, ta, tb, seed }) => {
      const a = { shape: ta ? [2, k, m] : [2, m, k], data: randomArray(2 * m * k, seed) }
      const b = { shape: tb ? [2, n, k] : [2, k, n], data: randomArray(2 * k * n, seed + 1) }
      const run = (backend: "cpu" | "wasm") =>
        onBackend(backend, [a, b], (x, y) => {
          const loss = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q, ta, tb)))
          return [tf.matMul(x, y, ta, tb), ...tf.grads(loss)([x, y])]
        })
      const wasm = run("wasm")
      const cpu = run("cpu")
      for (let i = 0; i < 3; i++) assert.isBelow(maxRelativeError(wasm[i].data, cpu[i].data), 1e-5)
    },
    { arbitrary: { runs: 20 } },
  )
})

describe("Conv2DBackpropFilter on wasm", () => {
  it.prop(
    "matches the cpu kernel (fused conv and conv2dTranspose use it)",
    {
      h: int(3, 11),
      w: int(3, 11),
      k: Schema.Literals([1, 2, 3]),
      s: Schema.Literals([1, 2]),
      pad: Schema.Literals(["same", "valid"]),
      seed: int(0, 999),
    },
    ({ h, w, k, s, pad, seed }) => {
      const x = { shape: [2, h, w, 3], data: randomArray(6 * h * w, seed) }
      const f = { shape: [k, k, 3, 2], data: randomArray(6 * k * k, seed + 1) }
      const run = (backend: "cpu" | "wasm") =>
        onBackend(backend, [x, f], (xt, ft) => {
          const loss = (q: tf.Tensor) =>
            tf.sum(tf.square(tf.fused.conv2d({ x: xt as tf.Tensor4D, filter: q as tf.Tensor4D, strides: s, pad })))
          return tf.grad(loss)(ft)
        })[0]
      assert.isBelow(maxRelativeError(run("wasm").data, run("cpu").data), 1e-4)
    },
    { arbitrary: { runs: 20 } },
  )
})

describe("Conv2DBackpropInput on wasm", () => {
  it.prop(
    "matches the cpu kernel through conv2dTranspose and a fused conv's input gradient",
    {
      h: int(2, 9),
      w: int(2, 9),
      k: Schema.Literals([1, 2, 3, 5]),
      s: Schema.Literals([1, 2, 3]),
      pad: Schema.Literals(["same", "valid"]),
      seed: int(0, 999),
    },
    ({ h, w, k, s, pad, seed }) => {
      const outH = pad === "same" ? h * s : (h - 1) * s + k
      const outW = pad === "same" ? w * s : (w - 1) * s + k
      const x = { shape: [2, h, w, 3], data: randomArray(6 * h * w, seed) }
      const f = { shape: [k, k, 4, 3], data: randomArray(12 * k * k, seed + 1) }
      const img = { shape: [2, outH, outW, 4], data: randomArray(8 * outH * outW, seed + 2) }
      // the fused conv's gradient for a given dy (not through its forward values: wasm's forward conv
      // returns zeros for 'same' padding with stride > kernel size, e.g. k 2 stride 3, a tfjs 4.22 bug)
      const run = (backend: "cpu" | "wasm") =>
        onBackend(backend, [x, f, img], (xt, ft, it) => [
          tf.conv2dTranspose(xt as tf.Tensor4D, ft as tf.Tensor4D, [2, outH, outW, 4], s, pad),
          tf.grad((q: tf.Tensor) =>
            tf.fused.conv2d({ x: q as tf.Tensor4D, filter: ft as tf.Tensor4D, strides: s, pad }),
          )(it, xt),
        ])
      const wasm = run("wasm")
      const cpu = run("cpu")
      assert.deepStrictEqual(wasm[0].shape, cpu[0].shape)
      assert.isBelow(maxRelativeError(wasm[0].data, cpu[0].data), 1e-4, "conv2dTranspose")
      assert.isBelow(maxRelativeError(wasm[1].data, cpu[1].data), 1e-4, "fused conv dx")
    },
    { arbitrary: { runs: 25 } },
  )
})
