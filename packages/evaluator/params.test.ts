import { assert, describe, it } from "@effect/vitest"
import { cocoBboxParams } from "./params.ts"

describe("cocoBboxParams", () => {
  it("cocoBboxParams holds numpy's linspace thresholds bit for bit", () => {
    // numpy 2: np.linspace(.5, 0.95, 10) and np.linspace(.0, 1.00, 101), as pycocotools' Params builds them
    assert.deepStrictEqual(
      [...cocoBboxParams.iouThresholds],
      [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95],
    )
    const numpyOff: Record<number, number> = {
      35: 0.35000000000000003,
      41: 0.41000000000000003,
      47: 0.47000000000000003,
      57: 0.5700000000000001,
      69: 0.6900000000000001,
      70: 0.7000000000000001,
      82: 0.8200000000000001,
      83: 0.8300000000000001,
      94: 0.9400000000000001,
      95: 0.9500000000000001,
    }
    const recall = cocoBboxParams.recallThresholds
    assert.strictEqual(recall.length, 101)
    recall.forEach((v, k) => {
      assert.strictEqual(v, numpyOff[k] ?? Number((k / 100).toFixed(2)), `recall threshold ${k}`)
    })
  })

  it("cocoBboxParams has pycocotools' area ranges and caps", () => {
    assert.deepStrictEqual(cocoBboxParams.areaRanges, [
      [0, 1e10],
      [0, 1024],
      [1024, 9216],
      [9216, 1e10],
    ])
    assert.deepStrictEqual(cocoBboxParams.areaLabels, ["all", "small", "medium", "large"])
    assert.deepStrictEqual(cocoBboxParams.maxDets, [1, 10, 100])
  })
})
