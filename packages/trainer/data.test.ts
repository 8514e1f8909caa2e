import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { resolveData } from "./data.ts"
import { captureLogs, messages } from "./log_fixtures.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

describe("resolveData()", () => {
  it.effect("returns the configured files as they are, generating nothing", () =>
    Effect.gen(function* () {
      const dataDir = mkdtempSync(join(tmpdir(), "trainer-data-given-"))
      const train = { annotations: "/coco/instances_train2017.json", images: "/coco/train2017" }
      const config = tinyTrainConfig({ data: { train, synthetic: tinyTrainConfig().data.synthetic } })
      assert.deepStrictEqual(yield* resolveData(config, dataDir), { train, val: undefined })
      assert.isFalse(existsSync(join(dataDir, "synth.json")))
    }),
  )

  it.effect("generates the synthetic set once, reuses it while its recipe holds, and regenerates for another", () =>
    Effect.gen(function* () {
      const dataDir = mkdtempSync(join(tmpdir(), "trainer-data-synth-"))
      const config = tinyTrainConfig()
      const first = captureLogs()
      const data = yield* resolveData(config, dataDir).pipe(Effect.provide(first.layer))
      assert.strictEqual(data.train.annotations, join(dataDir, "annotations", "instances_train.json"))
      assert.strictEqual(data.val?.images, join(dataDir, "images", "val"))
      assert.match(messages(first.lines)[0], /^generating the synthetic data set \(5 images, seed 3\)/)
      assert.strictEqual(readFileSync(join(dataDir, "synth.json"), "utf8"), JSON.stringify(config.data.synthetic))
      const written = statSync(data.train.annotations).mtimeMs

      const again = captureLogs()
      yield* resolveData(config, dataDir).pipe(Effect.provide(again.layer))
      assert.deepStrictEqual(messages(again.lines), [])
      assert.strictEqual(statSync(data.train.annotations).mtimeMs, written)

      const other = tinyTrainConfig({ data: { synthetic: { images: 4, seed: 9, valFraction: 0.5 } } })
      const third = captureLogs()
      yield* resolveData(other, dataDir).pipe(Effect.provide(third.layer))
      assert.match(messages(third.lines)[0], /^generating the synthetic data set \(4 images, seed 9\)/)
      assert.strictEqual(JSON.parse(readFileSync(data.train.annotations, "utf8")).images.length, 2)

      // The image sizes are part of the recipe.
      const small = tinyTrainConfig({
        data: { synthetic: { images: 4, seed: 9, valFraction: 0.5, longSide: [80, 90] } },
      })
      const fourth = captureLogs()
      yield* resolveData(small, dataDir).pipe(Effect.provide(fourth.layer))
      assert.strictEqual(messages(fourth.lines).length, 2)
      const images = JSON.parse(readFileSync(data.train.annotations, "utf8")).images as Array<{
        width: number
        height: number
      }>
      for (const { width, height } of images)
        assert.isTrue(Math.max(width, height) >= 80 && Math.max(width, height) <= 90)
    }),
  )
})
