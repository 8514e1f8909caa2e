import { assert, describe, it } from "@effect/vitest"
import { candidateBox, candidateBoxes, candidateChips, candidateContains } from "./candidates.ts"

const rows = (b: Int32Array) => Array.from({ length: b.length / 4 }, (_, k) => Array.from(b.subarray(4 * k, 4 * k + 4)))

describe("candidateChips()", () => {
  it("places corners, grid, edge column and bottom row as docs/sniper.md section 2", () => {
    // 600 x 520, C = 512, d = 32: x in {0, 32, 64} (< 88), y in {0} (< 8).
    const g = candidateChips(600, 520, { chipSize: 512, stride: 32 })
    assert.strictEqual(g.nx, 3)
    assert.strictEqual(g.ny, 1)
    assert.deepStrictEqual(rows(candidateBoxes(g)), [
      [88, 0, 599, 512], // top-right corner: C + 1 tall (min(C, H - 1) = 512)
      [0, 8, 512, 519], // bottom-left corner: C + 1 wide
      [88, 8, 599, 519], // bottom-right corner
      [0, 0, 511, 511], // grid
      [32, 0, 543, 511],
      [64, 0, 575, 511],
      [87, 0, 599, 511], // right-edge column starts at W - C - 1
      [0, 7, 511, 519], // bottom row starts at H - C - 1
      [32, 7, 543, 519],
      [64, 7, 575, 519],
    ])
  })
  it("is the whole image when the image is smaller than a chip", () => {
    const g = candidateChips(300, 200, { chipSize: 512, stride: 56 })
    assert.strictEqual(g.count, 3)
    assert.deepStrictEqual(rows(candidateBoxes(g)), [
      [0, 0, 299, 199],
      [0, 0, 299, 199],
      [0, 0, 299, 199],
    ])
  })
  it("counts grid origins 0, d, .. strictly below W - C", () => {
    assert.strictEqual(candidateChips(513, 600, { chipSize: 512, stride: 56 }).nx, 1) // x = 0
    assert.strictEqual(candidateChips(568, 600, { chipSize: 512, stride: 56 }).nx, 1) // 56 is not < 56
    assert.strictEqual(candidateChips(569, 600, { chipSize: 512, stride: 56 }).nx, 2) // x = 0, 56
    assert.strictEqual(candidateChips(512, 600, { chipSize: 512, stride: 56 }).nx, 0)
  })
  it("never leaves the image", () => {
    for (const [w, h] of [
      [1920, 1440],
      [1067, 800],
      [512, 384],
      [513, 2000],
    ]) {
      const g = candidateChips(w, h, { chipSize: 512, stride: 57 })
      for (const [x1, y1, x2, y2] of rows(candidateBoxes(g))) {
        assert.isTrue(x1 >= 0 && y1 >= 0 && x2 <= w - 1 && y2 <= h - 1 && x1 <= x2 && y1 <= y2, `${[x1, y1, x2, y2]}`)
      }
    }
  })
  it("rejects a candidate index out of range", () => {
    assert.throws(
      () => candidateBox(candidateChips(600, 520, { chipSize: 512, stride: 32 }), 10),
      RangeError,
      "[0, 10)",
    )
  })
  it("rejects a stride that is not a positive integer", () => {
    assert.throws(() => candidateChips(600, 600, { chipSize: 512, stride: 0 }), RangeError, "stride")
  })
})

describe("candidateContains()", () => {
  it("is full containment with shared edges allowed", () => {
    const g = candidateChips(600, 520, { chipSize: 512, stride: 32 })
    assert.isTrue(candidateContains(g, 3, 0, 0, 511, 511))
    assert.isFalse(candidateContains(g, 3, 0, 0, 511.5, 10))
  })
})
