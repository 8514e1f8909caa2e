import { assert, describe, it } from "@effect/vitest"
import { defaultChipConfig } from "@sniper/chip-sampler"
import { planEpoch } from "@sniper/trainer"
import { twoImageDataset } from "./experiment_fixtures.ts"
import { addPixels, planPixels, sumPixels } from "./training_pixels.ts"

describe("planPixels()", () => {
  it("counts chips, their chipSize² canvases and the image pixels in them (hand-computed)", () => {
    const chips = {
      ...defaultChipConfig("paper"),
      sampling: "whole-image" as const,
      scales: [{ factor: 1 }, { factor: 0.5 }],
      validRanges: [
        [-1, 64],
        [48, -1],
      ] as const,
      chipSize: 208,
    }
    const plan = planEpoch(twoImageDataset(), chips, { seed: 1, epoch: 0 })
    // Whole images: 200 x 100 and 100 x 50 at 1x, 100 x 50 and 50 x 25 at 0.5x.
    assert.deepStrictEqual(planPixels(plan, 208), {
      chips: 4,
      inputPixels: 4 * 208 * 208,
      imagePixels: 20000 + 5000 + 5000 + 1250,
    })
  })
  it("counts the part of a chip's window that is image (hand-computed)", () => {
    // 2x, 128 px chips, one box an image, one chip each: the 400 x 200 image's chip is a full window; the
    // 200 x 100 image is shorter than a chip, so every chip on it is 128 x 100 px of image.
    const chips = {
      ...defaultChipConfig("paper"),
      scales: [{ factor: 2 }],
      validRanges: [[-1, -1]] as const,
      chipSize: 128,
    }
    const plan = planEpoch(twoImageDataset(), chips, { seed: 1, epoch: 0 })
    assert.deepStrictEqual(planPixels(plan, 128), {
      chips: 2,
      inputPixels: 2 * 128 * 128,
      imagePixels: 128 * 128 + 128 * 100,
    })
  })
})

describe("addPixels() and sumPixels()", () => {
  it("add each count", () => {
    const a = { chips: 1, inputPixels: 10, imagePixels: 5 }
    const b = { chips: 2, inputPixels: 20, imagePixels: 7 }
    assert.deepStrictEqual(addPixels(a, b), { chips: 3, inputPixels: 30, imagePixels: 12 })
    assert.deepStrictEqual(sumPixels([a, b, a]), { chips: 4, inputPixels: 40, imagePixels: 17 })
    assert.deepStrictEqual(sumPixels([]), { chips: 0, inputPixels: 0, imagePixels: 0 })
  })
})
