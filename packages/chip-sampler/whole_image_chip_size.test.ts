import { assert, describe, it } from "@effect/vitest"
import { wholeImageChipSize } from "./whole_image_chip_size.ts"

describe("wholeImageChipSize()", () => {
  it("rounds the longest scaled side over images and scales up to the multiple", () => {
    // 150 x 300 at 2x is 300 x 600: 600 rounds up to 608 (16 x 38).
    const images = [
      [200, 100],
      [150, 300],
    ] as const
    assert.strictEqual(wholeImageChipSize(images, { scales: [{ factor: 2 }, { factor: 1 }], multiple: 16 }), 608)
    assert.strictEqual(wholeImageChipSize(images, { scales: [{ factor: 1 }], multiple: 16 }), 304)
    // The long side fitted to 128 px is 128 on every image.
    assert.strictEqual(wholeImageChipSize(images, { scales: [{ short: -1, long: 128 }], multiple: 16 }), 128)
    // int(W s): 333 x 0.5 is 166 px.
    assert.strictEqual(wholeImageChipSize([[333, 10]], { scales: [{ factor: 0.5 }], multiple: 1 }), 166)
  })
  it("refuses a multiple that is not a positive integer", () => {
    assert.throws(
      () => wholeImageChipSize([[10, 10]], { scales: [{ factor: 1 }], multiple: 0 }),
      RangeError,
      "Cannot size whole-image chips: multiple must be a positive integer, current value is 0",
    )
  })
})
