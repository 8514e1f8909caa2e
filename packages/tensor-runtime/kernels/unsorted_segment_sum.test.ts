import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { maxRelativeError, onBackend, randomArray, readyBackends } from "../backend_fixtures.ts"

beforeAll(readyBackends)

const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

describe("UnsortedSegmentSum on wasm", () => {
  it("sums rows by segment and drops negative ids (hand-worked)", () => {
    const [out] = onBackend("wasm", [], () =>
      tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), tf.tensor1d([2, 0, 2, -1], "int32"), 3),
    )
    assert.deepStrictEqual([...out.data], [3, 4, 0, 0, 6, 8])
  })

  it.prop(
    "gives gather the same gradient as the cpu backend",
    { rows: int(1, 9), cols: int(1, 4), picks: int(1, 12), seed: int(0, 1000) },
    ({ rows, cols, picks, seed }) => {
      const x = { shape: [rows, cols], data: randomArray(rows * cols, seed) }
      const idx = { shape: [picks], data: Int32Array.from({ length: picks }, (_, i) => (i * 5 + seed) % rows) }
      const g = (backend: "cpu" | "wasm") =>
        onBackend(backend, [x, idx], (a, i) =>
          tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, i as tf.Tensor1D))))(a),
        )[0]
      assert.isBelow(maxRelativeError(g("wasm").data, g("cpu").data), 1e-6)
    },
    { arbitrary: { runs: 20 } },
  )
})
