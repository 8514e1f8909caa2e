import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { imageBoxes } from "./image_boxes.ts"
import { samplingStrategy } from "./sampling_strategy.ts"

const one = (bbox: ReadonlyArray<number>, extra: { area?: number; crowd?: number } = {}) => ({
  id: 3,
  width: 100,
  height: 80,
  bbox: new Float64Array(bbox),
  area: new Float64Array([extra.area ?? 1]),
  category: new Int32Array([5]),
  crowd: new Uint8Array([extra.crowd ?? 0]),
})

describe("imageBoxes()", () => {
  it("converts xywh to inclusive xyxy (x2 = x + w - 1)", () => {
    const b = imageBoxes(one([10, 20, 30, 40]), { mode: "paper" })
    assert.deepStrictEqual(Array.from(b.boxes), [10, 20, 39, 59])
    assert.deepStrictEqual(Array.from(b.category), [5])
  })
  it("reference truncates to integers (its uint16 array); paper keeps fractions", () => {
    assert.deepStrictEqual(
      Array.from(imageBoxes(one([10.7, 5.5, 20.6, 10]), { mode: "reference" }).boxes),
      [10, 5, 30, 14],
    )
    assert.deepStrictEqual(
      Array.from(imageBoxes(one([10.7, 5.5, 20.6, 10]), { mode: "paper" }).boxes),
      [10.7, 5.5, 30.3, 14.5],
    )
  })
  it("clips boxes leaving the image; reference extends from the clamped x1 (its quirk)", () => {
    assert.deepStrictEqual(Array.from(imageBoxes(one([-10, 70, 30, 40]), { mode: "reference" }).boxes), [0, 70, 29, 79])
    assert.deepStrictEqual(Array.from(imageBoxes(one([-10, 70, 30, 40]), { mode: "paper" }).boxes), [0, 70, 19, 79])
  })
  it("drops boxes entirely outside the image and boxes with area <= 0", () => {
    assert.strictEqual(imageBoxes(one([150, 10, 20, 20]), { mode: "reference" }).boxes.length, 0)
    assert.strictEqual(imageBoxes(one([10, 90, 20, 20]), { mode: "paper" }).boxes.length, 0)
    assert.strictEqual(imageBoxes(one([10, 10, 20, 20], { area: 0 }), { mode: "paper" }).boxes.length, 0)
  })
  it("mirrors x for the flipped copy: x' = W - 1 - x", () => {
    const b = imageBoxes(one([10, 20, 30, 40]), { mode: "paper", flip: true })
    assert.deepStrictEqual(Array.from(b.boxes), [60, 20, 89, 59])
    assert.isTrue(b.flip)
  })
  it("converts and flips proposals the same way, without truncation", () => {
    const input = { ...one([]), category: new Int32Array(0), crowd: new Uint8Array(0), area: undefined }
    const b = imageBoxes(
      { ...input, proposals: new Float64Array([10.5, 0, 20, 10]) },
      { mode: "reference", flip: true },
    )
    assert.deepStrictEqual(Array.from(b.proposals), [69.5, 0, 88.5, 9]) // x2 = 10.5 + 19, then 99 - x
  })
  it("keeps an empty annotation list empty", () => {
    const b = imageBoxes({ ...one([]), category: new Int32Array(0), crowd: new Uint8Array(0) }, { mode: "reference" })
    assert.strictEqual(b.boxes.length, 0)
  })
})

const coordinate = Schema.Finite.check(Schema.isBetween({ minimum: -50, maximum: 150 }))

describe("imageBoxes() properties", () => {
  it.prop(
    "keeps boxes inside the image, integer in reference mode; flipping mirrors x only",
    [coordinate, coordinate, coordinate, coordinate],
    ([x, y, w, h]) => {
      for (const mode of ["reference", "paper"] as const) {
        const plain = imageBoxes(one([x, y, w, h]), { mode })
        const flipped = imageBoxes(one([x, y, w, h]), { mode, flip: true })
        assert.strictEqual(plain.boxes.length, flipped.boxes.length)
        if (plain.boxes.length === 0) continue
        const [x1, y1, x2, y2] = plain.boxes
        assert.isTrue(0 <= x1 && x1 <= x2 && x2 <= 99 && 0 <= y1 && y1 <= y2 && y2 <= 79, `${mode}: ${plain.boxes}`)
        if (samplingStrategy(mode).integerBoxes) for (const v of plain.boxes) assert.isTrue(Number.isInteger(v))
        assert.deepStrictEqual(Array.from(flipped.boxes), [99 - x2, y1, 99 - x1, y2])
      }
    },
  )
})
