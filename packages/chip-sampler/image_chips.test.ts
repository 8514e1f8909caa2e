import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import { Result, Schema } from "effect"
import { type ChipConfig, chipConfig, defaultChipConfig, type Mode } from "./config.ts"
import { chipImage } from "./image_chips.ts"
import { type Chip, IgnoreReason, type ImageBoxes } from "./types.ts"
import { wholeImageChipSize } from "./whole_image_chip_size.ts"

function image(
  width: number,
  height: number,
  boxes: ReadonlyArray<number>,
  options: {
    readonly proposals?: ReadonlyArray<number>
    readonly crowd?: ReadonlyArray<number>
    readonly id?: number
  } = {},
): ImageBoxes {
  const n = boxes.length / 4
  return {
    id: options.id ?? 7,
    width,
    height,
    boxes: new Float64Array(boxes),
    category: Int32Array.from({ length: n }, (_, j) => j),
    crowd: Uint8Array.from({ length: n }, (_, j) => options.crowd?.[j] ?? 0),
    annotation: Int32Array.from({ length: n }, (_, j) => j),
    proposals: new Float64Array(options.proposals ?? []),
    flip: false,
  }
}

/** One scale (factor 1), one range, stride 256: on 1024 x 1024 the grid is x, y in {0, 256}. */
function single(mode: Mode, range: readonly [number, number] = [-1, -1]): ChipConfig {
  return { ...defaultChipConfig(mode), scales: [{ factor: 1 }], validRanges: [range], stride: 256 }
}

const reasons = (chip: Chip) => {
  const out: Record<number, number> = {}
  for (let k = 0; k < chip.truth.box.length; k++) out[chip.truth.box[k]] = chip.truth.reason[k]
  return out
}
const byOrigin = (chips: ReadonlyArray<Chip>) => new Map(chips.map((c) => [`${c.grid[0]},${c.grid[1]}`, c]))

// A only in grid (0, 0); B in grid (0, 0) and (0, 256); E only in grid (256, 256); C only in the corner at
// (512, 512); F (size 25) inside grid (0, 0). Greedy: grid (0, 0) (A, B) first, then E's and C's chips.
const scene = [10, 10, 50, 50, 100, 300, 200, 400, 480, 480, 520, 520, 700, 700, 800, 800, 20, 20, 45, 45]

describe("chipImage() positive chips", () => {
  it("picks the hand-computed chips and maps them back to original px", () => {
    const out = chipImage(image(1024, 1024, scene), single("reference"), { seed: 1, epoch: 0 })
    const chips = byOrigin(out.positives)
    assert.deepStrictEqual([...chips.keys()].sort(), ["0,0", "256,256", "512,512"])
    const c = chips.get("512,512")!
    assert.deepStrictEqual([c.x1, c.y1, c.x2, c.y2, c.scale], [512, 512, 1023, 1023, 1])
    assert.deepStrictEqual(Array.from(c.truth.boxes), [188, 188, 289, 289]) // C shifted by the origin, continuous
    assert.strictEqual(out.coveredPairs, out.eligiblePairs)
  })
  it("reference: a box is valid only in the chip it is assigned to, otherChip elsewhere", () => {
    const out = chipImage(image(1024, 1024, scene), single("reference"), { seed: 3, epoch: 0 })
    const chips = byOrigin(out.positives)
    // E = [480, 480, 520, 520] is cut by grid (0, 0) (32 x 32 px kept) and assigned to grid (256, 256).
    assert.deepStrictEqual(reasons(chips.get("0,0")!), {
      0: IgnoreReason.valid,
      1: IgnoreReason.valid,
      2: IgnoreReason.otherChip,
      4: IgnoreReason.valid,
    })
    assert.strictEqual(reasons(chips.get("256,256")!)[2], IgnoreReason.valid)
  })
  it("paper: a box is valid in every chip holding it whole, cut elsewhere", () => {
    const out = chipImage(image(1024, 1024, scene), single("paper"), { seed: 3, epoch: 0 })
    const chips = byOrigin(out.positives)
    assert.strictEqual(reasons(chips.get("0,0")!)[2], IgnoreReason.cut)
    assert.strictEqual(reasons(chips.get("256,256")!)[1], undefined) // B lies outside grid (256, 256)
  })
  it("marks boxes outside the scale's range outOfRange (F, size 25, with range [40, inf))", () => {
    for (const mode of ["reference", "paper"] as const) {
      const out = chipImage(image(1024, 1024, scene), single(mode, [40, -1]), { seed: 1, epoch: 0 })
      assert.strictEqual(reasons(byOrigin(out.positives).get("0,0")!)[4], IgnoreReason.outOfRange, mode)
    }
  })
  it("reference makes a small box valid at 1.667x (no lower bound in the assignment), paper does not", () => {
    // 640 x 480 with default scales: S (size 20) is eligible only at 3x for chips, M (size 50) at 3x and 1.667x.
    const boxes = [100, 100, 120, 120, 130, 100, 180, 150]
    const ref = chipImage(
      image(640, 480, boxes),
      { ...defaultChipConfig("reference"), stride: 56 },
      { seed: 1, epoch: 0 },
    )
    const refMid = ref.positives.filter((c) => c.scaleIndex === 1)
    assert.strictEqual(refMid.length, 1)
    assert.strictEqual(reasons(refMid[0])[0], IgnoreReason.valid)
    const pap = chipImage(image(640, 480, boxes), defaultChipConfig("paper"), { seed: 1, epoch: 0 })
    assert.strictEqual(reasons(pap.positives.filter((c) => c.scaleIndex === 1)[0])[0], IgnoreReason.outOfRange)
  })
  it("a chip larger than the scaled image is the whole image, zero-padded", () => {
    // 100 x 80 at 3x is 300 x 240: every candidate is [0, 0, 299, 239].
    const out = chipImage(image(100, 80, [10, 10, 30, 30]), defaultChipConfig("paper"), { seed: 1, epoch: 0 })
    const finest = out.positives.filter((c) => c.scaleIndex === 0)
    assert.strictEqual(finest.length, 1)
    assert.deepStrictEqual(finest[0].grid, [0, 0, 299, 239])
    assert.deepStrictEqual(Array.from(finest[0].truth.boxes), [30, 30, 91, 91])
  })
  it("a box larger than a chip at its coarsest scale stays uncovered; reference keeps it valid, cut", () => {
    // Scales 2 and 1 on 1200 x 1200; the 700 px box is eligible only at 1x, where no 512 px chip holds it.
    const config = (mode: Mode): ChipConfig => ({
      ...defaultChipConfig(mode),
      scales: [{ factor: 2 }, { factor: 1 }],
      validRanges: [
        [-1, 300],
        [200, -1],
      ],
      stride: 32,
    })
    // A second coarse box at the right makes a 1x chip exist; every such chip overlaps the big box >= 200 px.
    const boxes = [100, 100, 799, 799, 1000, 1000, 1100, 1100, 900, 100, 1150, 350]
    const ref = chipImage(image(1200, 1200, boxes), config("reference"), { seed: 2, epoch: 0 })
    assert.strictEqual(ref.eligiblePairs - ref.coveredPairs, 1)
    const holders = ref.positives.filter((c) => c.scaleIndex === 1 && reasons(c)[0] === IgnoreReason.valid)
    assert.strictEqual(holders.length, 1)
    const pap = chipImage(image(1200, 1200, boxes), config("paper"), { seed: 2, epoch: 0 })
    for (const c of pap.positives) assert.notStrictEqual(reasons(c)[0], IgnoreReason.valid)
  })
  it("clips scaled boxes to [0, W - 2] first, so a box at the border is still covered", () => {
    // 639 x 400 at 0.8x is 511 x 320; the only chip is [0, 0, 510, 319]. The box's x2 = 638 scales to 510.4,
    // past the chip's last column, but the clip to W - 2 = 509 puts it inside.
    const config: ChipConfig = { ...single("reference"), scales: [{ factor: 0.8 }] }
    const out = chipImage(image(639, 400, [600, 100, 638, 200]), config, { seed: 1, epoch: 0 })
    assert.strictEqual(out.eligiblePairs, 1)
    assert.strictEqual(out.coveredPairs, 1)
    assert.deepStrictEqual(out.positives[0].grid, [0, 0, 510, 319])
  })
  it("gives an image without annotations no positive chips", () => {
    const out = chipImage(image(640, 480, []), defaultChipConfig("reference"), { seed: 1, epoch: 0 })
    assert.strictEqual(out.positives.length, 0)
    assert.strictEqual(out.negatives.length, 0)
  })
  it("rejects a zero-size image with a RangeError naming it", () => {
    assert.throws(
      () => chipImage(image(0, 480, []), defaultChipConfig("reference"), { seed: 1, epoch: 0 }),
      RangeError,
      "image 7",
    )
  })
})

describe("chipImage() whole-image sampling", () => {
  // 200 x 100 at 2x, 1x and 0.5x in chips of 400: A (10 px) and B (100 x 70 px); with SNIPER's ranges A would be
  // out of range at the two coarser scales and B at the two finer ones.
  const config: ChipConfig = {
    ...defaultChipConfig("reference"),
    sampling: "whole-image",
    scales: [{ factor: 2 }, { factor: 1 }, { factor: 0.5 }],
    validRanges: [
      [-1, 30],
      [20, 80],
      [60, -1],
    ],
    chipSize: 400,
  }
  const boxes = [10, 10, 19, 19, 50, 20, 149, 89]

  it("makes one chip per scale holding the whole scaled image, every kept box valid", () => {
    const out = chipImage(image(200, 100, boxes, { proposals: [0, 0, 50, 50] }), config, { seed: 1, epoch: 0 })
    assert.deepStrictEqual(
      out.positives.map((c) => [c.scaleIndex, ...c.grid]),
      [
        [0, 0, 0, 399, 199],
        [1, 0, 0, 199, 99],
        [2, 0, 0, 99, 49],
      ],
    )
    assert.deepStrictEqual(
      out.positives.map((c) => [c.x1, c.y1, c.x2, c.y2]),
      [
        [0, 0, 199.5, 99.5],
        [0, 0, 199, 99],
        [0, 0, 198, 98],
      ],
    )
    // 2x: A [20, 20, 38, 38] and B [100, 40, 298, 178] inclusive; 1x as given; 0.5x: A is 6 px (dropped under
    // minBoxSide 10), B [25, 10, 74, 44] (74.5 and 44.5 round half to even). Stored continuous (+1 at the end).
    assert.deepStrictEqual(
      out.positives.map((c) => Array.from(c.truth.boxes)),
      [
        [20, 20, 39, 39, 100, 40, 299, 179],
        [10, 10, 20, 20, 50, 20, 150, 90],
        [25, 10, 75, 45],
      ],
    )
    for (const c of out.positives) {
      assert.deepStrictEqual(
        Array.from(c.truth.valid),
        Array.from(c.truth.box, () => 1),
      )
      assert.deepStrictEqual(c.validRange, [-1, -1])
    }
    assert.deepStrictEqual([out.negatives.length, out.negativeCandidates], [0, 0], "no negatives, proposals or not")
    assert.deepStrictEqual([out.eligiblePairs, out.coveredPairs, out.eligibleBoxes, out.validBoxes], [6, 6, 2, 2])
  })
  it("keeps crowd regions ignored (paper) and trains the same boxes in every epoch", () => {
    const crowd = { ...config, mode: "paper" as const, crowd: "ignore" as const }
    const img = image(200, 100, boxes, { crowd: [0, 1] })
    const a = chipImage(img, crowd, { seed: 1, epoch: 0 })
    assert.deepStrictEqual(reasons(a.positives[0]), { 0: IgnoreReason.valid, 1: IgnoreReason.crowd })
    const b = chipImage(img, crowd, { seed: 9, epoch: 5 })
    assert.deepStrictEqual(
      b.positives.map((c) => Array.from(c.truth.boxes)),
      a.positives.map((c) => Array.from(c.truth.boxes)),
    )
  })
  it("gives an image without ground truth (or with crowds only) no chip", () => {
    assert.strictEqual(chipImage(image(200, 100, []), config, { seed: 1, epoch: 0 }).positives.length, 0)
    const crowds = image(200, 100, boxes, { crowd: [1, 1] })
    assert.strictEqual(chipImage(crowds, { ...config, crowd: "ignore" }, { seed: 1, epoch: 0 }).positives.length, 0)
  })
  it("refuses a chip smaller than a scaled image with a RangeError naming the image and scale", () => {
    assert.throws(
      () => chipImage(image(200, 100, boxes), { ...config, chipSize: 384 }, { seed: 1, epoch: 0 }),
      RangeError,
      "Cannot place a whole-image chip on image 7: chipSize must hold the image at scale 0 (400x200 px), current value is 384",
    )
  })
})

describe("chipImage() with out-of-range boxes valid", () => {
  it("places the same chips and trains F (size 25, range [40, inf)) as valid; other chips' boxes stay ignored", () => {
    for (const mode of ["reference", "paper"] as const) {
      const ignore = single(mode, [40, -1])
      const valid: ChipConfig = { ...ignore, outOfRange: "valid" }
      const a = chipImage(image(1024, 1024, scene), ignore, { seed: 3, epoch: 0 })
      const b = chipImage(image(1024, 1024, scene), valid, { seed: 3, epoch: 0 })
      assert.deepStrictEqual(
        b.positives.map((c) => c.grid),
        a.positives.map((c) => c.grid),
        mode,
      )
      const before = reasons(byOrigin(a.positives).get("0,0")!)
      const after = reasons(byOrigin(b.positives).get("0,0")!)
      assert.deepStrictEqual(after, { ...before, 4: IgnoreReason.valid }, mode)
      // E is in range but held whole by (256, 256) only: otherChip (reference) or cut (paper) in (0, 0) still.
      assert.strictEqual(after[2], mode === "reference" ? IgnoreReason.otherChip : IgnoreReason.cut)
      for (const c of b.positives) assert.deepStrictEqual(c.validRange, [-1, -1])
      for (const c of a.positives) assert.deepStrictEqual(c.validRange, [40, -1])
    }
  })
})

describe("chipImage() negative chips", () => {
  // 30 proposals of size 40 clustered at the bottom right of a 640 x 480 image, far from the only gt box.
  const cluster = (n: number) => Array.from({ length: n }, (_, k) => [560 + k, 400, 600 + k, 440]).flat()
  const gt = [10, 10, 60, 60]

  it("keeps a chip with > 25 proposals at the finest scale and > 10 elsewhere, samples 2", () => {
    for (const mode of ["reference", "paper"] as const) {
      const out = chipImage(image(640, 480, gt, { proposals: cluster(30) }), defaultChipConfig(mode), {
        seed: 1,
        epoch: 0,
      })
      assert.strictEqual(out.negativeCandidates, 2, mode) // one at 3x, one at 1.667x; size 40 < 120 at the coarsest
      assert.deepStrictEqual(out.negatives.map((c) => c.scaleIndex).sort(), [0, 1], mode)
      for (const c of out.negatives) assert.isTrue(c.negative)
    }
  })
  it("drops the finest-scale chip when it holds 25 proposals or fewer", () => {
    const out = chipImage(image(640, 480, gt, { proposals: cluster(20) }), defaultChipConfig("reference"), {
      seed: 1,
      epoch: 0,
    })
    assert.strictEqual(out.negativeCandidates, 1)
    assert.strictEqual(out.negatives[0].scaleIndex, 1)
  })
  it("samples at most negativesPerImage chips", () => {
    const config = { ...defaultChipConfig("paper"), negativesPerImage: 1 }
    const out = chipImage(image(640, 480, gt, { proposals: cluster(30) }), config, { seed: 1, epoch: 0 })
    assert.strictEqual(out.negativeCandidates, 2)
    assert.strictEqual(out.negatives.length, 1)
  })
  it("reference counts a proposal overlapping its best positive chip as covered; paper needs it inside", () => {
    // Grid (0, 0) holds the gt box; 30 proposals straddle its right edge x = 511.
    const straddling = Array.from({ length: 30 }, (_, k) => [480 + k, 100, 530 + k, 150]).flat()
    const ref = chipImage(image(1024, 1024, gt, { proposals: straddling }), single("reference"), { seed: 1, epoch: 0 })
    assert.strictEqual(ref.negativeCandidates, 0)
    const pap = chipImage(image(1024, 1024, gt, { proposals: straddling }), single("paper"), { seed: 1, epoch: 0 })
    assert.strictEqual(pap.negativeCandidates, 1)
  })
  it("resamples which negative chips are kept from epoch to epoch", () => {
    // Four far-apart clusters of 30 proposals on a 2000 x 2000 image: several candidates at 3x and 1.667x.
    const clusters = [100, 1800].flatMap((x) =>
      [100, 1800].flatMap((y) => Array.from({ length: 30 }, (_, k) => [x + k, y, x + k + 40, y + 40]).flat()),
    )
    const img = image(2000, 2000, [], { proposals: clusters })
    const picks = new Set<string>()
    for (let epoch = 0; epoch < 8; epoch++) {
      const out = chipImage(img, defaultChipConfig("paper"), { seed: 1, epoch })
      assert.strictEqual(out.negatives.length, 2)
      assert.isAbove(out.negativeCandidates, 2)
      picks.add(out.negatives.map((c) => `${c.scaleIndex}:${c.grid.join(",")}`).join("|"))
    }
    assert.isAbove(picks.size, 1)
  })
  it("mines negatives from proposals on an image without annotations", () => {
    const out = chipImage(image(640, 480, [], { proposals: cluster(30) }), defaultChipConfig("paper"), {
      seed: 1,
      epoch: 0,
    })
    assert.strictEqual(out.positives.length, 0)
    assert.strictEqual(out.negatives.length, 2)
  })
})

const seedArb = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 2 ** 31 - 1 }))

/** A random image: sizes like COCO, boxes of all sizes, some crowd, optional proposals. */
function randomImage(seed: number, proposals: number): ImageBoxes {
  const rng = new Prng([seed, 99])
  const width = rng.int(200, 1000)
  const height = rng.int(200, 1000)
  const n = rng.int(0, 12)
  const make = (count: number) =>
    Array.from({ length: count }, () => {
      const w = 2 + rng.next() ** 2 * (width - 3)
      const h = 2 + rng.next() ** 2 * (height - 3)
      const x = rng.next() * (width - 1 - w)
      const y = rng.next() * (height - 1 - h)
      return [x, y, x + w, y + h]
    }).flat()
  const img = image(width, height, make(n), { proposals: make(proposals), id: seed })
  return { ...img, crowd: Uint8Array.from({ length: n }, () => (rng.next() < 0.1 ? 1 : 0)) }
}

describe("chipImage() properties", () => {
  for (const mode of ["reference", "paper"] as const) {
    it.prop(
      `${mode}: every eligible box lies inside a positive chip of its scale; chips stay in the image`,
      [seedArb],
      ([seed]) => {
        const config = Result.getOrThrow(chipConfig({ mode }))
        const img = randomImage(seed, 0)
        const out = chipImage(img, config, { seed, epoch: 0 })
        assert.strictEqual(out.coveredPairs, out.eligiblePairs)
        for (const c of [...out.positives, ...out.negatives]) {
          const i = c.scaleIndex
          const [x1, y1, x2, y2] = c.grid
          assert.isTrue(x1 >= 0 && y1 >= 0 && x2 <= out.scaledWidth[i] - 1 && y2 <= out.scaledHeight[i] - 1)
        }
        // Every valid box of a chip is inside it (paper) or assigned to it (reference) and never crowd.
        for (const c of out.positives) {
          for (let k = 0; k < c.truth.box.length; k++) {
            if (c.truth.valid[k] === 1) assert.strictEqual(img.crowd[c.truth.box[k]], 0)
          }
        }
      },
      { arbitrary: { runs: 60 } },
    )
    it.prop(
      `${mode}: same seed and epoch give the same chips`,
      [seedArb],
      ([seed]) => {
        const config = Result.getOrThrow(chipConfig({ mode }))
        const img = randomImage(seed, 60)
        const a = chipImage(img, config, { seed, epoch: 3 })
        const b = chipImage(img, config, { seed, epoch: 3 })
        const view = (o: typeof a) => [...o.positives, ...o.negatives].map((c) => [c.negative, c.scaleIndex, ...c.grid])
        assert.deepStrictEqual(view(a), view(b))
      },
      { arbitrary: { runs: 30 } },
    )
  }
  for (const mode of ["reference", "paper"] as const) {
    it.prop(
      `${mode}: each chip's truth is in ChipTruth's convention and the chip carries its scale's valid range`,
      [seedArb],
      ([seed]) => {
        const config = Result.getOrThrow(chipConfig({ mode, maxBoxesPerChip: 5 }))
        const img = randomImage(seed, 40)
        const out = chipImage(img, config, { seed, epoch: 1 })
        for (const c of [...out.positives, ...out.negatives]) {
          assert.deepStrictEqual(c.validRange, config.validRanges[c.scaleIndex])
          const t = c.truth
          const n = t.category.length
          assert.isAtMost(n, 5)
          assert.deepStrictEqual([t.boxes.length, t.valid.length, t.reason.length, t.box.length], [4 * n, n, n, n])
          for (let k = 0; k < n; k++) {
            const [x1, y1, x2, y2] = t.boxes.subarray(4 * k, 4 * k + 4)
            // Whole pixels 0..C-1 of the chip, so continuous edges in [0, C], at least minBoxSide px apart.
            for (const v of [x1, y1, x2, y2]) assert.isTrue(Number.isInteger(v) && v >= 0 && v <= config.chipSize)
            assert.isAtLeast(x2 - x1, config.minBoxSide)
            assert.isAtLeast(y2 - y1, config.minBoxSide)
            assert.strictEqual(t.category[k], img.category[t.box[k]])
            assert.strictEqual(t.valid[k], t.reason[k] === IgnoreReason.valid ? 1 : 0)
          }
        }
      },
      { arbitrary: { runs: 30 } },
    )
  }
  it.prop(
    "whole-image: one chip a scale holding the whole scaled image, every kept box valid but crowds",
    [seedArb],
    ([seed]) => {
      const img = randomImage(seed, 20)
      const scales = [{ factor: 2 }, { factor: 1 }, { factor: 0.5 }]
      const chipSize = wholeImageChipSize([[img.width, img.height]], { scales, multiple: 16 })
      const config = Result.getOrThrow(
        chipConfig({ mode: "paper", sampling: "whole-image", scales, chipSize, crowd: "ignore" }),
      )
      const out = chipImage(img, config, { seed, epoch: 0 })
      const gt = img.crowd.reduce((n, c) => n + (c === 0 ? 1 : 0), 0)
      assert.strictEqual(out.positives.length, gt === 0 ? 0 : 3)
      assert.strictEqual(out.negatives.length, 0)
      for (const c of out.positives) {
        assert.deepStrictEqual(c.grid, [0, 0, out.scaledWidth[c.scaleIndex] - 1, out.scaledHeight[c.scaleIndex] - 1])
        for (let k = 0; k < c.truth.box.length; k++) {
          assert.strictEqual(c.truth.valid[k], img.crowd[c.truth.box[k]] === 1 ? 0 : 1)
        }
      }
    },
    { arbitrary: { runs: 30 } },
  )
  for (const mode of ["reference", "paper"] as const) {
    it.prop(
      `${mode}: outOfRange "valid" places the same chips and turns exactly the out-of-range boxes valid`,
      [seedArb],
      ([seed]) => {
        const img = randomImage(seed, 40)
        const ignore = Result.getOrThrow(chipConfig({ mode }))
        const a = chipImage(img, ignore, { seed, epoch: 2 })
        const b = chipImage(img, { ...ignore, outOfRange: "valid" }, { seed, epoch: 2 })
        const chips = (o: typeof a) => [...o.positives, ...o.negatives]
        assert.deepStrictEqual(
          chips(b).map((c) => [c.negative, c.scaleIndex, ...c.grid]),
          chips(a).map((c) => [c.negative, c.scaleIndex, ...c.grid]),
        )
        chips(a).forEach((c, d) => {
          const expected = Array.from(c.truth.reason, (r) => (r === IgnoreReason.outOfRange ? IgnoreReason.valid : r))
          assert.deepStrictEqual(Array.from(chips(b)[d].truth.reason), expected)
        })
      },
      { arbitrary: { runs: 30 } },
    )
  }
  it("resamples with the epoch: stride and chips change across epochs", () => {
    const config = Result.getOrThrow(chipConfig({ mode: "reference" }))
    const strides = new Set<number>()
    for (let epoch = 0; epoch < 20; epoch++)
      strides.add(chipImage(randomImage(5, 0), config, { seed: 1, epoch }).stride)
    assert.isAbove(strides.size, 1)
    for (const s of strides) assert.isTrue(s >= 56 && s <= 59)
  })
})
