import { assert, describe, it } from "@effect/vitest"
import { loadDataset } from "@sniper/coco-io"
import { sharedDataOrSkip } from "@sniper/testing"
import { Effect, Result, Stream } from "effect"
import { chipStats } from "./chip_stats.ts"
import { chipStream } from "./chip_stream.ts"
import { chipConfig } from "./config.ts"

describe("chips on real COCO subsets", () => {
  for (const mode of ["reference", "paper"] as const) {
    it.effect(`${mode}: every eligible box of instances_val2017_merged.json lies in a chip; chips stay inside`, () =>
      Effect.gen(function* () {
        const file = sharedDataOrSkip("coco/annotations/instances_val2017_merged.json", "chip-sampler real subset")
        if (file === undefined) return
        const dataset = yield* loadDataset(file)
        const config = Result.getOrThrow(chipConfig({ mode }))
        const stats = yield* chipStats(chipStream(dataset, { config, seed: 3, epoch: 1 }), config)
        assert.strictEqual(stats.images, dataset.images.count)
        assert.strictEqual(stats.coverage, 1)
        assert.isAbove(stats.validFraction, 0.9)
        const all = yield* Stream.runCollect(chipStream(dataset, { config, seed: 3, epoch: 1 }))
        for (const image of all) {
          for (const c of image.positives) {
            // Inside the scaled image on its grid; (W s - 1) / s < W back in original px.
            const [, , gx2, gy2] = c.grid
            assert.isTrue(gx2 <= image.scaledWidth[c.scaleIndex] - 1 && gy2 <= image.scaledHeight[c.scaleIndex] - 1)
            assert.isTrue(c.x1 >= 0 && c.y1 >= 0 && c.x2 < image.width && c.y2 < image.height)
          }
        }
      }),
    )
  }
})
