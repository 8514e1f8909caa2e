import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Result, Stream } from "effect"
import { testDataset } from "./_test_dataset.ts"
import { chipStats } from "./chip_stats.ts"
import { chipStream } from "./chip_stream.ts"
import { chipConfig } from "./config.ts"
import { proposalsByImageId } from "./proposals.ts"

const config = Result.getOrThrow(chipConfig({ mode: "paper" }))
const dataset = testDataset(
  [
    [11, 640, 480],
    [12, 480, 640],
    [13, 300, 200],
  ],
  [
    [11, 100, 100, 50, 40],
    [11, 300, 200, 200, 180],
    [12, 10, 10, 30, 30, 1],
  ],
)

describe("chipStream()", () => {
  it.effect("yields one entry per image in row order, and the flipped copy after each when asked", () =>
    Effect.gen(function* () {
      const plain = yield* Stream.runCollect(chipStream(dataset, { config, seed: 1, epoch: 0 }))
      assert.deepStrictEqual(
        plain.map((c) => c.imageId),
        [11, 12, 13],
      )
      const flipped = yield* Stream.runCollect(chipStream(dataset, { config, seed: 1, epoch: 0, flip: true }))
      assert.deepStrictEqual(
        flipped.map((c) => [c.imageId, c.flip]),
        [
          [11, false],
          [11, true],
          [12, false],
          [12, true],
          [13, false],
          [13, true],
        ],
      )
      // The flipped copy's chips mirror the boxes: its positive chips differ, their count need not.
      assert.strictEqual(flipped[1].boxCount, flipped[0].boxCount)
    }),
  )
  it.effect("gives the same chips for the same seed and epoch", () =>
    Effect.gen(function* () {
      const view = (cs: ReadonlyArray<{ positives: ReadonlyArray<{ grid: readonly number[] }> }>) =>
        cs.map((c) => c.positives.map((p) => p.grid.join(",")).join(";"))
      const a = yield* Stream.runCollect(chipStream(dataset, { config, seed: 4, epoch: 2 }))
      const b = yield* Stream.runCollect(chipStream(dataset, { config, seed: 4, epoch: 2 }))
      assert.deepStrictEqual(view(a), view(b))
    }),
  )
  it.effect("fails with BadImageSize naming a zero-size image before yielding", () =>
    Effect.gen(function* () {
      const bad = testDataset(
        [
          [1, 640, 480],
          [2, 0, 480],
        ],
        [],
      )
      const exit = yield* Effect.exit(Stream.runCollect(chipStream(bad, { config, seed: 1, epoch: 0 })))
      assert.isTrue(Exit.isFailure(exit))
      const error = yield* Effect.flip(Stream.runCollect(chipStream(bad, { config, seed: 1, epoch: 0 })))
      assert.strictEqual(error._tag, "BadImageSize")
      assert.include(error.message, "image 2")
      assert.include(error.message, "width")
    }),
  )
})

describe("chipStats()", () => {
  it.effect("accounts pixels as hand-computed for one 640 x 480 image", () =>
    Effect.gen(function* () {
      const one = testDataset([[11, 640, 480]], [[11, 100, 100, 50, 40]])
      const stats = yield* chipStats(chipStream(one, { config, seed: 1, epoch: 0 }), config)
      // Box size 44.7 (49 x 39 inclusive): eligible at 3x and 1.667x -> one chip each.
      assert.strictEqual(stats.positiveChips, 2)
      assert.strictEqual(stats.chipPixels, 2 * 512 * 512)
      // 800 x 1333: s = 800 / 480, 640 s = 1066.7 -> 1066 x 800.
      assert.strictEqual(stats.singleScalePixels, 1066 * 800)
      // 3x: 1920 x 1440; 1.667x: 1066 x 800 (1066.9, 800.2); 512 / 640: 512 x 384.
      assert.strictEqual(stats.pyramidPixels, 1920 * 1440 + 1066 * 800 + 512 * 384)
      assert.closeTo(stats.pixelRatioVsSingleScale, (2 * 512 * 512) / (1066 * 800), 1e-12)
      assert.closeTo(stats.pixelRatioVsSingleScaleCanvas, (2 * 512 * 512) / (800 * 1333), 1e-12)
      assert.strictEqual(stats.coverage, 1)
      assert.deepStrictEqual(stats.positivesPerScale, [1, 1, 0])
    }),
  )
  it.effect("reports zero chips and undefined ratios for an empty data set", () =>
    Effect.gen(function* () {
      const stats = yield* chipStats(chipStream(testDataset([], []), { config, seed: 1, epoch: 0 }), config)
      assert.strictEqual(stats.images, 0)
      assert.strictEqual(stats.positiveChips, 0)
      assert.isNaN(stats.pixelRatioVsSingleScale)
    }),
  )
  it.effect("mines negatives when proposals are given", () =>
    Effect.gen(function* () {
      const cluster = Array.from({ length: 30 }, (_, k) => [560 + k, 400, 41, 41]).flat()
      const proposals = yield* proposalsByImageId(dataset, {
        imageId: new Float64Array(30).fill(11),
        bbox: Float64Array.from(cluster),
        source: "proposals.json",
      })
      const stats = yield* chipStats(chipStream(dataset, { config, seed: 1, epoch: 0, proposals }), config)
      assert.strictEqual(stats.negativeChips, 2)
    }),
  )
})
