import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { chipStride } from "./chip_stride.ts"
import { type ChipConfig, chipConfig, type Mode } from "./config.ts"
import { datasetImage } from "./dataset_image.ts"
import { generatedDataset } from "./epoch_fixtures.ts"
import { chipImage } from "./image_chips.ts"
import type { Chip, ImageChips } from "./types.ts"

// Recorded from the sampler before its strategies were split out and its truth made continuous (the trainer then
// added 1 to x2, y2 before the detector saw them: these boxes are what the detector was fed). Any change to an
// epoch's chips or truth changes a digest.
const digests: Record<string, { readonly sha256: string; readonly chips: number }> = {
  "reference/0": { sha256: "e1d59f09951a1d298826597213575fc068e53a3ec95664d385123cce2dfd7480", chips: 300 },
  "reference/1": { sha256: "7c840654911a67b48b5b7249a8056ffe1f5b16bd5968c01f2b13b3108c9c2692", chips: 305 },
  "paper/0": { sha256: "22bc2c318870d655372453e61b92a0e6b731ce6255283a200b1165179c7161c5", chips: 302 },
  "paper/1": { sha256: "953b179aa813fcb9ac44ada2e2d463ff3c094990a64ffbe5c08a5ff489d3af83", chips: 300 },
}

// Image 100, flipped copy, epoch 0: its first three positive chips and first negative chip.
const pinned: Record<Mode, ReturnType<typeof entry> & { readonly chips: ReadonlyArray<ReturnType<typeof chip>> }> = {
  reference: {
    image: 100,
    flip: true,
    stride: 58,
    candidates: 1,
    tally: [8, 8, 8, 6, 6],
    chips: [
      {
        negative: false,
        scaleIndex: 0,
        scale: 3,
        grid: [1218, 406, 1729, 917],
        window: [406, 135.33333333333334, 576.3333333333334, 305.6666666666667],
        flip: true,
        boxes: [183, 77, 367, 126, 141, 443, 235, 465],
        category: [2, 0],
        valid: [1, 1],
        reason: [0, 0],
        box: [3, 6],
        truncated: 0,
      },
      {
        negative: false,
        scaleIndex: 0,
        scale: 3,
        grid: [0, 664, 512, 1175],
        window: [0, 221.33333333333334, 170.66666666666666, 391.6666666666667],
        flip: true,
        boxes: [321, 0, 512, 423, 255, 161, 313, 447],
        category: [0, 4],
        valid: [0, 1],
        reason: [2, 0],
        box: [4, 7],
        truncated: 0,
      },
      {
        negative: false,
        scaleIndex: 0,
        scale: 3,
        grid: [174, 116, 685, 627],
        window: [58, 38.666666666666664, 228.33333333333334, 209],
        flip: true,
        boxes: [48, 196, 512, 221, 288, 40, 512, 71, 147, 460, 512, 512, 300, 85, 475, 245],
        category: [1, 3, 0, 3],
        valid: [0, 0, 0, 1],
        reason: [2, 2, 2, 0],
        box: [1, 2, 4, 5],
        truncated: 0,
      },
      {
        negative: true,
        scaleIndex: 1,
        scale: 1.667,
        grid: [554, 141, 1065, 652],
        window: [332.3335332933413, 84.58308338332333, 638.872225554889, 391.12177564487104],
        flip: true,
        boxes: [0, 32, 35, 47, 224, 127, 327, 155, 0, 179, 77, 463, 201, 331, 254, 343],
        category: [1, 2, 0, 0],
        valid: [0, 1, 0, 1],
        reason: [2, 0, 2, 0],
        box: [1, 3, 4, 6],
        truncated: 0,
      },
    ],
  },
  paper: {
    image: 100,
    flip: true,
    stride: 32,
    candidates: 1,
    tally: [8, 8, 8, 6, 6],
    chips: [
      {
        negative: false,
        scaleIndex: 0,
        scale: 3,
        grid: [1216, 480, 1727, 991],
        window: [405.3333333333333, 160, 575.6666666666666, 330.3333333333333],
        flip: true,
        boxes: [183, 5, 366, 53, 141, 371, 235, 393],
        category: [2, 0],
        valid: [1, 1],
        reason: [0, 0],
        box: [3, 6],
        truncated: 0,
      },
      {
        negative: false,
        scaleIndex: 0,
        scale: 3,
        grid: [0, 608, 511, 1119],
        window: [0, 202.66666666666666, 170.33333333333334, 373],
        flip: true,
        boxes: [318, 0, 512, 480, 253, 220, 312, 505],
        category: [0, 4],
        valid: [0, 1],
        reason: [2, 0],
        box: [4, 7],
        truncated: 0,
      },
      {
        negative: false,
        scaleIndex: 0,
        scale: 3,
        grid: [256, 32, 767, 543],
        window: [85.33333333333333, 10.666666666666666, 255.66666666666666, 181],
        flip: true,
        boxes: [0, 282, 512, 307, 205, 125, 512, 157, 217, 170, 393, 330],
        category: [1, 3, 3],
        valid: [0, 0, 1],
        reason: [2, 2, 0],
        box: [1, 2, 5],
        truncated: 0,
      },
      {
        negative: true,
        scaleIndex: 1,
        scale: 1.667,
        grid: [554, 141, 1065, 652],
        window: [332.3335332933413, 84.58308338332333, 638.872225554889, 391.12177564487104],
        flip: true,
        boxes: [0, 34, 35, 48, 223, 129, 326, 156, 0, 179, 76, 464, 200, 332, 253, 344],
        category: [1, 2, 0, 0],
        valid: [0, 0, 0, 0],
        reason: [4, 2, 2, 2],
        box: [1, 3, 4, 6],
        truncated: 0,
      },
    ],
  },
}

const { dataset, proposals } = generatedDataset(11, 24)
const config = (mode: Mode): ChipConfig => Result.getOrThrow(chipConfig({ mode, maxBoxesPerChip: 6 }))

function chip(c: Chip) {
  const t = c.truth
  return {
    negative: c.negative,
    scaleIndex: c.scaleIndex,
    scale: c.scale,
    grid: [...c.grid],
    window: [c.x1, c.y1, c.x2, c.y2],
    flip: c.flip,
    boxes: Array.from(t.boxes),
    category: Array.from(t.category),
    valid: Array.from(t.valid),
    reason: Array.from(t.reason),
    box: Array.from(t.box),
    truncated: t.truncated,
  }
}

function entry(r: ImageChips, flip: boolean) {
  const tally = [r.eligiblePairs, r.coveredPairs, r.boxCount, r.eligibleBoxes, r.validBoxes]
  return { image: r.imageId, flip, stride: r.stride, candidates: r.negativeCandidates, tally }
}

/** Every image and its flipped copy, with negative chips, as the trainer plans an epoch. */
function epoch(mode: Mode, index: number): Array<ImageChips & { readonly flipped: boolean }> {
  const c = config(mode)
  const stride = chipStride(c, { seed: 5, epoch: index })
  const out: Array<ImageChips & { readonly flipped: boolean }> = []
  for (let row = 0; row < dataset.images.count; row++) {
    for (const flip of [false, true]) {
      const image = datasetImage(dataset, row, { mode, flip, proposals })
      out.push({ ...chipImage(image, c, { seed: 5, epoch: index, stride, negatives: true }), flipped: flip })
    }
  }
  return out
}

describe("chipImage() on a generated data set", () => {
  for (const mode of ["reference", "paper"] as const) {
    it(`${mode}: the epoch's chips and truth are the recorded ones`, () => {
      for (const index of [0, 1]) {
        const chips = epoch(mode, index)
        const all = chips.map((r) => ({
          ...entry(r, r.flipped),
          positives: r.positives.map(chip),
          negatives: r.negatives.map(chip),
        }))
        const count = all.reduce((n, e) => n + e.positives.length + e.negatives.length, 0)
        const sha256 = createHash("sha256").update(JSON.stringify(all)).digest("hex")
        assert.deepStrictEqual({ sha256, chips: count }, digests[`${mode}/${index}`])
        if (index === 0) {
          const first = all[1]
          const { positives, negatives, ...rest } = first
          assert.deepStrictEqual({ ...rest, chips: [...positives.slice(0, 3), ...negatives.slice(0, 1)] }, pinned[mode])
        }
        for (const r of chips)
          for (const c of [...r.positives, ...r.negatives])
            assert.deepStrictEqual(c.validRange, config(mode).validRanges[c.scaleIndex])
      }
    })
  }
})
