import { assert, describe, it } from "@effect/vitest"
import { candidateBox, candidateChips } from "./candidates.ts"
import { chipImagePixels, emptyTally, statsOf, tallyImage } from "./chip_stats.ts"
import { defaultChipConfig } from "./config.ts"
import type { Chip, ImageChips } from "./types.ts"

const chipAt = (scaleIndex: number, negative = false) => ({ scaleIndex, negative }) as Chip

/** A 1000 x 500 image: one scale at 0.5 (500 x 250), two positive chips at scale 0, one negative. */
const image = (stride: number): ImageChips => ({
  imageId: 1,
  width: 1000,
  height: 500,
  flip: false,
  stride,
  scales: Float64Array.of(0.5),
  scaledWidth: Int32Array.of(500),
  scaledHeight: Int32Array.of(250),
  positives: [chipAt(0), chipAt(0)],
  negatives: [chipAt(0, true)],
  negativeCandidates: 3,
  eligiblePairs: 4,
  coveredPairs: 3,
  boxCount: 5,
  eligibleBoxes: 4,
  validBoxes: 2,
})

describe("tallyImage() and statsOf()", () => {
  it("sum chips, pairs and pixels over images (hand-computed)", () => {
    const config = { ...defaultChipConfig("paper"), scales: [{ factor: 0.5 }], validRanges: [[-1, -1] as const] }
    const tally = tallyImage(tallyImage(emptyTally(1), image(32)), image(40))
    const stats = statsOf(tally, config)
    assert.strictEqual(stats.images, 2)
    assert.deepStrictEqual([stats.positiveChips, stats.negativeChips, stats.negativeCandidates], [4, 2, 6])
    assert.deepStrictEqual(stats.positivesPerScale, [4])
    assert.strictEqual(stats.chipsPerImage, 3)
    assert.strictEqual(stats.coverage, 6 / 8)
    assert.deepStrictEqual([stats.eligibleFraction, stats.validFraction], [8 / 10, 4 / 10])
    assert.strictEqual(stats.chipPixels, 6 * 512 * 512)
    // 800 px short side would make the long side 1600 > 1333: s = 1333 / 1000, 1333 x 666 (int of 666.5).
    assert.strictEqual(stats.singleScalePixels, 2 * 1333 * 666)
    assert.strictEqual(stats.pyramidPixels, 2 * 500 * 250)
    assert.deepStrictEqual(stats.strides, [32, 40])
  })
  it("counts an empty data set as fully covered, with NaN ratios", () => {
    const stats = statsOf(emptyTally(3), defaultChipConfig("reference"))
    assert.strictEqual(stats.coverage, 1)
    assert.isTrue(Number.isNaN(stats.chipsPerImage))
    assert.deepStrictEqual(stats.positivesPerScale, [0, 0, 0])
  })
})

describe("chipImagePixels()", () => {
  const chip = (grid: Chip["grid"]) => ({ grid }) as Chip
  it("counts the window's pixels inside the canvas (hand-computed)", () => {
    assert.strictEqual(chipImagePixels(chip([0, 0, 399, 199]), 400), 400 * 200)
    assert.strictEqual(chipImagePixels(chip([10, 20, 109, 69]), 512), 100 * 50)
    // The reference's first corner chip on a 1000 x 1000 image is C + 1 = 513 rows tall; the canvas keeps 512.
    const corner = candidateBox(candidateChips(1000, 1000, { chipSize: 512, stride: 32 }), 0)
    assert.deepStrictEqual(corner, [488, 0, 999, 512])
    assert.strictEqual(chipImagePixels(chip(corner), 512), 512 * 512)
  })
})
