import { readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { loadDataset } from "@sniper/coco-io"
import { Effect, Logger } from "effect"
import { temporary } from "./experiment_fixtures.ts"
import { prepareData } from "./synthetic_data.ts"

const quiet = Effect.provide(Logger.layer([]))

describe("prepareData()", () => {
  it.effect(
    "generates the recipe's data set once, reuses it, and generates again for another recipe",
    () =>
      Effect.gen(function* () {
        const dir = join(temporary("experiment-data-"), "data")
        const recipe = { images: 4, seed: 5, valFraction: 0.5, longSide: [96, 128] } as const
        const data = yield* prepareData(dir, recipe)
        const train = yield* loadDataset(data.train.annotations)
        const val = yield* loadDataset(data.val.annotations)
        assert.deepStrictEqual([train.images.count, val.images.count], [2, 2])
        for (let row = 0; row < 2; row++) {
          const long = Math.max(train.images.width[row], train.images.height[row])
          assert.isTrue(long >= 96 && long <= 128, String(long))
        }
        const written = statSync(data.train.annotations).mtimeMs
        yield* prepareData(dir, recipe)
        assert.strictEqual(statSync(data.train.annotations).mtimeMs, written, "reused, not written again")
        const other = yield* prepareData(dir, { ...recipe, seed: 6 })
        assert.notStrictEqual(readFileSync(other.train.annotations, "utf8"), JSON.stringify(train))
        assert.deepStrictEqual(JSON.parse(readFileSync(join(dir, "recipe.json"), "utf8")), { ...recipe, seed: 6 })
      }).pipe(quiet),
    60_000,
  )
})
