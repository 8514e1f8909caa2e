import { assert, beforeAll, describe, it } from "@effect/vitest"
import { createDetector, disposeDetector } from "@sniper/detector-model"
import { selectBackend } from "@sniper/tensor-runtime"
import { Effect } from "effect"
import { tinyDetector } from "./inference_fixtures.ts"
import { readWeights, writeWeights } from "./weight_board.ts"

beforeAll(async () => {
  await Effect.runPromise(selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND"))
})

describe("writeWeights() and readWeights()", () => {
  it("readWeights() gives a replica every variable of the written detector, running statistics included", () => {
    const main = tinyDetector(40, 1)
    const replica = tinyDetector(40, 2)
    const other = createDetector({ ...main.config, numClasses: main.config.numClasses + 1 }, { seed: 1 })
    try {
      main.params.variables
        .get("backbone.bn1.running_var")!
        .assign(main.params.variables.get("backbone.bn1.bias")!.add(3))
      const board = writeWeights(main, undefined)
      assert.instanceOf(board.buffer, SharedArrayBuffer)
      assert.strictEqual(writeWeights(main, board), board)
      readWeights(replica, board)
      for (const [name, v] of main.params.variables)
        assert.deepStrictEqual(replica.params.variables.get(name)!.dataSync(), v.dataSync(), name)
      assert.notStrictEqual(writeWeights(other, board), board)
      assert.throws(() => readWeights(other, board), /the board must hold \d+ values, current value is \d+/)
    } finally {
      for (const d of [main, replica, other]) disposeDetector(d)
    }
  })
})
