import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { chipConfig } from "@sniper/chip-sampler"
import { imagenetNormalization, loadDataset, makeBadImageLog, writeSynthDataset } from "@sniper/coco-io"
import { Effect, Result, Stream } from "effect"
import { chipBatches } from "./chip_batches.ts"
import { demoConfig } from "./config.ts"
import { planEpoch } from "./epoch_plan.ts"

describe("chipBatches()", () => {
  it.effect(
    "normalizes the chips as the detector's config says (ImageNet's by default)",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "chip-batches-"))
        yield* writeSynthDataset(dir, { images: 2, seed: 5, valFraction: 0 })
        const dataset = yield* loadDataset(join(dir, "annotations", "instances_train.json"))
        const chips = Result.getOrThrow(chipConfig({ ...demoConfig.chips, chipSize: 128 }))
        const plan = planEpoch(dataset, chips, { seed: 1, epoch: 0, flip: false })
        const first = (normalization?: { order: "rgb"; mean: [0, 0, 0]; std: [1, 1, 1] }) =>
          Effect.gen(function* () {
            const badImages = yield* makeBadImageLog
            const options = { imageRoot: join(dir, "images", "train"), chipSize: 128, chipsPerBatch: 2, badImages }
            const stream = chipBatches(dataset, plan.entries, {
              ...options,
              normalization,
            })
            const [batch] = yield* Stream.runCollect(Stream.take(stream, 1))
            return batch.pixels
          })
        const raw = yield* first({ order: "rgb", mean: [0, 0, 0], std: [1, 1, 1] })
        const standard = yield* first()
        const { mean, std } = imagenetNormalization
        let checked = 0
        let worst = 0
        for (let k = 0; k < raw.length; k++) {
          if (raw[k] === 0 && standard[k] === 0) continue // padding stays 0 either way
          worst = Math.max(worst, Math.abs(standard[k] - (raw[k] - mean[k % 3]) / std[k % 3]))
          checked++
        }
        assert.isBelow(worst, 1e-4)
        assert.isAbove(checked, 128 * 128 * 3)
        assert.isTrue(raw.every((v) => Number.isInteger(v) && v >= 0 && v <= 255))
      }),
    60_000,
  )
})
