import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { maxRelativeError, onBackend, randomArray, readyBackends } from "./backend_fixtures.ts"
import { ROI_ALIGN, ROI_ALIGN_GRAD, roiAlignKernelConfigs } from "./kernels/roi_align_kernel.ts"
import { roiAlign } from "./roi_align.ts"

beforeAll(readyBackends)

/** torchvision's roi_align_forward_kernel (aligned) spelled out sample by sample, as an independent reference. */
function reference(
  f: Float32Array,
  [, h, w, c]: number[],
  boxes: number[],
  index: number[],
  oh: number,
  ow: number,
  scale: number,
  ratio: number,
) {
  const out = new Float64Array(index.length * oh * ow * c)
  const at = (n: number, y: number, x: number, k: number) => f[((n * h + y) * w + x) * c + k]
  const bilinear = (n: number, y: number, x: number, k: number) => {
    if (y < -1 || y > h || x < -1 || x > w) return 0
    y = Math.max(y, 0)
    x = Math.max(x, 0)
    let y0 = Math.floor(y)
    let x0 = Math.floor(x)
    let y1 = y0 + 1
    let x1 = x0 + 1
    if (y0 >= h - 1) y0 = y1 = y = h - 1
    if (x0 >= w - 1) x0 = x1 = x = w - 1
    const ly = y - y0
    const lx = x - x0
    return (
      (1 - ly) * (1 - lx) * at(n, y0, x0, k) +
      (1 - ly) * lx * at(n, y0, x1, k) +
      ly * (1 - lx) * at(n, y1, x0, k) +
      ly * lx * at(n, y1, x1, k)
    )
  }
  for (let r = 0; r < index.length; r++) {
    const [bx1, by1, bx2, by2] = boxes.slice(4 * r, 4 * r + 4).map((v) => v * scale - 0.5)
    const bh = (by2 - by1) / oh
    const bw = (bx2 - bx1) / ow
    const gy = ratio > 0 ? ratio : Math.ceil((by2 - by1) / oh)
    const gx = ratio > 0 ? ratio : Math.ceil((bx2 - bx1) / ow)
    const count = Math.max(gy * gx, 1)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let k = 0; k < c; k++) {
          let sum = 0
          for (let a = 0; a < gy; a++)
            for (let b = 0; b < gx; b++)
              sum += bilinear(index[r], by1 + i * bh + ((a + 0.5) * bh) / gy, bx1 + j * bw + ((b + 0.5) * bw) / gx, k)
          out[((r * oh + i) * ow + j) * c + k] = sum / count
        }
  }
  return out
}

const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

describe("roiAlign()", () => {
  it("averages a linear feature map at bin centres (hand-worked)", () => {
    // f(y, x) = x + 10 y is reproduced exactly by bilinear sampling; box [0.5, 0.5, 2.5, 2.5] px aligned is
    // [0, 2] in feature px, so 2x2 bins are centred on 0.5 and 1.5
    const f = Float32Array.from({ length: 16 }, (_, i) => (i % 4) + 10 * Math.floor(i / 4))
    const [out] = onBackend("wasm", [{ shape: [1, 4, 4, 1], data: f }], (x) =>
      roiAlign(x as tf.Tensor4D, [0.5, 0.5, 2.5, 2.5], [0], { outputSize: 2, spatialScale: 1, samplingRatio: 2 }),
    )
    assert.deepStrictEqual(out.shape, [1, 2, 2, 1])
    assert.deepStrictEqual([...out.data], [5.5, 6.5, 15.5, 16.5])
  })

  it("reads the same cells unaligned, or through a spatial scale (hand-worked)", () => {
    // Unaligned [0, 0, 2, 2] and aligned [1, 1, 5, 5] at scale 1/2 (1 * 0.5 - 0.5 = 0) both cover [0, 2] feature px.
    const f = Float32Array.from({ length: 16 }, (_, i) => (i % 4) + 10 * Math.floor(i / 4))
    const [unaligned, scaled] = onBackend("wasm", [{ shape: [1, 4, 4, 1], data: f }], (x) => [
      roiAlign(x as tf.Tensor4D, [0, 0, 2, 2], [0], {
        outputSize: 2,
        spatialScale: 1,
        samplingRatio: 2,
        aligned: false,
      }),
      roiAlign(x as tf.Tensor4D, [1, 1, 5, 5], [0], { outputSize: 2, spatialScale: 0.5, samplingRatio: 2 }),
    ])
    assert.deepStrictEqual([...unaligned.data], [5.5, 6.5, 15.5, 16.5])
    assert.deepStrictEqual([...scaled.data], [5.5, 6.5, 15.5, 16.5])
  })

  it("reads zero for samples beyond one pixel outside the map, and the edge just outside it", () => {
    // Centres: -9 (beyond -1: zero), -0.5 (clamped to 0: f(0, 0) = 1 + 0), 4.2 on a 4 px map (beyond 4: zero).
    const f = Float32Array.from({ length: 16 }, (_, i) => 1 + (i % 4) + 10 * Math.floor(i / 4))
    const [out] = onBackend("wasm", [{ shape: [1, 4, 4, 1], data: f }], (x) =>
      roiAlign(x as tf.Tensor4D, [-10, -10, -8, -8, -1, -1, 0, 0, 4, 4, 4.4, 4.4], [0, 0, 0], {
        outputSize: 1,
        spatialScale: 1,
        samplingRatio: 1,
        aligned: false,
      }),
    )
    assert.deepStrictEqual([...out.data], [0, 1, 0])
  })

  it("sends the gradient back with the bilinear weights of its samples (hand-worked)", () => {
    // One 1x1 bin over [0, 2] unaligned with 2x2 samples at 0.5 and 1.5: per axis, pixel 0 gets 1/2 x 1/2,
    // pixel 1 gets 1/2 (both samples), pixel 2 gets 1/4; the 2-D weights are the outer product.
    const [dx] = onBackend("wasm", [{ shape: [1, 4, 4, 1], data: new Float32Array(16) }], (x) =>
      tf.grad((t: tf.Tensor) =>
        tf.sum(
          roiAlign(t as tf.Tensor4D, [0, 0, 2, 2], [0], {
            outputSize: 1,
            spatialScale: 1,
            samplingRatio: 2,
            aligned: false,
          }),
        ),
      )(x),
    )
    const axis = [0.25, 0.5, 0.25, 0]
    assert.deepStrictEqual(
      [...dx.data],
      axis.flatMap((wy) => axis.map((wx) => wy * wx)),
    )
  })

  it.prop(
    "matches torchvision's sample loop, and its gradient is the adjoint",
    {
      n: int(1, 2),
      h: int(1, 9),
      w: int(1, 9),
      c: int(1, 3),
      rois: int(1, 5),
      oh: int(1, 4),
      ow: int(1, 3),
      ratio: int(0, 3),
      seed: int(0, 1000),
      backend: Schema.Literals(["cpu", "wasm"]),
    },
    ({ n, h, w, c, rois, oh, ow, ratio, seed, backend }) => {
      const scale = 0.5
      const f = randomArray(n * h * w * c, seed)
      // boxes spill up to 4 input px (2 feature px) outside the map, some degenerate
      const u = randomArray(4 * rois, seed + 1)
      const boxes: number[] = []
      for (let r = 0; r < rois; r++) {
        const xa = (u[4 * r] + 1) * (w + 2) - 4
        const ya = (u[4 * r + 1] + 1) * (h + 2) - 4
        boxes.push(xa, ya, xa + (u[4 * r + 2] + 1) * w * 1.5, ya + (u[4 * r + 3] + 1) * h * 1.5)
      }
      const index = boxes.filter((_, i) => i % 4 === 0).map((_, r) => (r * 7 + seed) % n)
      const g = randomArray(rois * oh * ow * c, seed + 2)
      const [out, grad] = onBackend(
        backend,
        [
          { shape: [n, h, w, c], data: f },
          { shape: [rois, oh, ow, c], data: g },
        ],
        (x, gt) => {
          const options = { outputSize: [oh, ow] as const, spatialScale: scale, samplingRatio: ratio }
          const y = roiAlign(x as tf.Tensor4D, tf.tensor2d(boxes, [rois, 4]), tf.tensor1d(index, "int32"), options)
          const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(roiAlign(a as tf.Tensor4D, boxes, index, options), gt)))(x)
          return [y, dx]
        },
      )
      assert.isBelow(maxRelativeError(out.data, reference(f, [n, h, w, c], boxes, index, oh, ow, scale, ratio)), 1e-5)
      // a linear map's gradient is its adjoint: <A f, g> = <f, A' g>
      let lhs = 0
      let rhs = 0
      for (let i = 0; i < g.length; i++) lhs += out.data[i] * g[i]
      for (let i = 0; i < f.length; i++) rhs += f[i] * grad.data[i]
      assert.closeTo(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)))
    },
    { arbitrary: { runs: 40 } },
  )

  it("falls back to copies on a backend without its kernels, with the same results", () => {
    const f = { shape: [1, 5, 6, 2], data: randomArray(60, 3) }
    const run = () =>
      onBackend("cpu", [f], (x) => {
        const options = { outputSize: 3, spatialScale: 0.5, samplingRatio: 2 }
        const boxes = [1, 2, 9, 7, -2, 0, 4, 11]
        return [
          roiAlign(x as tf.Tensor4D, boxes, [0, 0], options),
          tf.grad((a: tf.Tensor) => tf.sum(tf.square(roiAlign(a as tf.Tensor4D, boxes, [0, 0], options))))(x),
        ]
      })
    const withKernels = run()
    tf.unregisterKernel(ROI_ALIGN, "cpu")
    tf.unregisterKernel(ROI_ALIGN_GRAD, "cpu")
    try {
      const fallback = run()
      for (let i = 0; i < 2; i++) assert.deepStrictEqual([...fallback[i].data], [...withKernels[i].data])
    } finally {
      for (const k of roiAlignKernelConfigs) if (k.backendName === "cpu") tf.registerKernel(k)
    }
  })

  it("rejects malformed boxes and indices", () => {
    const f = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D
    const options = { outputSize: 2, spatialScale: 1, samplingRatio: 0 }
    assert.throws(() => roiAlign(f, tf.zeros([3, 5]) as tf.Tensor2D, [0, 0, 0], options), /boxes must be \[R, 4\]/)
    assert.throws(() => roiAlign(f, [0, 0, 1, 1], [1], options), /boxIndex\[0\] must be an image in \[0, 1\)/)
    assert.throws(() => roiAlign(f, [0, 0, 1, 1], [0, 0], options), /boxIndex must be \[1\]/)
    assert.throws(() => roiAlign(f, [0, 0, 1, 1], [0], { ...options, outputSize: 0 }), /outputSize/)
    f.dispose()
  })
})
