import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { onBackend, readyBackends } from "./backend_fixtures.ts"
import { registerTrainingKernels } from "./register_training_kernels.ts"

beforeAll(readyBackends)

const kernelOf = (name: string) => tf.getKernel(name, "wasm")?.kernelFunc

describe("registerTrainingKernels()", () => {
  it("gives wasm the kernels it lacks and tfjs the gradients it lacks", () => {
    for (const name of [tf.UnsortedSegmentSum, tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.Identity]) {
      assert.isDefined(kernelOf(name), name)
    }
    for (const name of [tf.GatherNd, tf.StridedSlice, tf.CropAndResize, tf.Greater, tf.LogicalNot]) {
      assert.isDefined(tf.getGradient(name), name)
    }
  })
  it("is idempotent: a second call replaces no kernel", () => {
    const names = [tf.Conv2DBackpropInput, tf.Identity, tf.BatchMatMul, tf._FusedMatMul, tf.UnsortedSegmentSum]
    const before = names.map(kernelOf)
    registerTrainingKernels()
    registerTrainingKernels()
    assert.deepStrictEqual(names.map(kernelOf), before)
  })
  it("keeps matmul with transposed operands right on wasm (hand-worked)", () => {
    // a = [[1, 2], [3, 4]], b = [[5, 6], [7, 8]]
    // a' b = [[1*5 + 3*7, 1*6 + 3*8], [2*5 + 4*7, 2*6 + 4*8]] = [[26, 30], [38, 44]]
    // a b' = [[1*5 + 2*6, 1*7 + 2*8], [3*5 + 4*6, 3*7 + 4*8]] = [[17, 23], [39, 53]]
    // a' b' = (b a)' = [[1*5 + 3*6, 1*7 + 3*8], [2*5 + 4*6, 2*7 + 4*8]] = [[23, 31], [34, 46]]
    const inputs = [
      { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) },
      { shape: [2, 2], data: Float32Array.from([5, 6, 7, 8]) },
    ]
    const products = onBackend("wasm", inputs, (a, b) => [
      tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, false),
      tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true),
      tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, true),
    ])
    assert.deepStrictEqual(
      products.map((p) => [...p.data]),
      [
        [26, 30, 38, 44],
        [17, 23, 39, 53],
        [23, 31, 34, 46],
      ],
    )
  })
  it("keeps the fused matmul's bias and activation with a transposed operand on wasm (hand-worked)", () => {
    // a' b with a = [[1, 2], [3, 4]], b = [[1], [-1]]: [[1 - 3], [2 - 4]] = [[-2], [-2]]; + bias 3 -> [[1], [1]];
    // with bias 1: [[-1], [-1]], relu -> [[0], [0]]
    const inputs = [
      { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) },
      { shape: [2, 1], data: Float32Array.from([1, -1]) },
    ]
    const [plus3, relu] = onBackend("wasm", inputs, (a, b) => [
      tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA: true, bias: tf.tensor1d([3]) }),
      tf.fused.matMul({
        a: a as tf.Tensor2D,
        b: b as tf.Tensor2D,
        transposeA: true,
        bias: tf.tensor1d([1]),
        activation: "relu",
      }),
    ])
    assert.deepStrictEqual([...plus3.data], [1, 1])
    assert.deepStrictEqual([...relu.data], [0, 0])
  })
})

describe("zero gradients of comparisons and logic", () => {
  const cases: ReadonlyArray<readonly [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    ["greater", (a, b) => tf.greater(a, b)],
    ["less", (a, b) => tf.less(a, b)],
    ["lessEqual", (a, b) => tf.lessEqual(a, b)],
    ["equal", (a, b) => tf.equal(a, b)],
    ["notEqual", (a, b) => tf.notEqual(a, b)],
    ["logicalAnd", (a, b) => tf.logicalAnd(tf.greater(a, 0), tf.greater(b, 0))],
    ["logicalOr", (a, b) => tf.logicalOr(tf.greater(a, 0), tf.greater(b, 0))],
    ["logicalNot", (a, b) => tf.logicalNot(tf.greater(a, b))],
  ]
  for (const [name, op] of cases) {
    it(`${name} passes zero to both inputs, so x * mask(x) has gradient mask(x)`, () => {
      const inputs = [
        { shape: [3], data: Float32Array.from([-1, 0.5, 2]) },
        { shape: [3], data: Float32Array.from([0.5, 0.5, -3]) },
      ]
      const [da, db, mask] = onBackend("wasm", inputs, (a, b) => {
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(x, tf.cast(op(x, y), "float32")))
        const [ga, gb] = tf.grads(f)([a, b])
        return [ga, gb, tf.cast(op(a, b), "float32")]
      })
      assert.deepStrictEqual([...da.data], [...mask.data])
      assert.deepStrictEqual([...db.data], [0, 0, 0])
    })
  }
})
