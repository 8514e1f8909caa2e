import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { CocoCase } from "./case_fixtures.ts"
import { evaluateFiles } from "./mod.ts"

const folder = mkdtempSync(join(tmpdir(), "sniper-evaluator-"))
let files = 0

/** Writes a ground-truth file (images get the file_name coco-io requires) and a results file given as raw text. */
function writeCase(gt: CocoCase["gt"], results: string): { gtPath: string; dtPath: string } {
  const n = files++
  const gtPath = join(folder, `gt${n}.json`)
  const dtPath = join(folder, `dt${n}.json`)
  const images = gt.images.map((im) => ({ ...im, file_name: `${im.id}.jpg`, width: 640, height: 480 }))
  const categories = gt.categories.map((c) => ({ ...c, name: `class ${c.id}` }))
  writeFileSync(gtPath, JSON.stringify({ images, categories, annotations: gt.annotations }))
  writeFileSync(dtPath, results)
  return { gtPath, dtPath }
}

const gt: CocoCase["gt"] = {
  images: [{ id: 1 }, { id: 2 }],
  categories: [{ id: 3 }, { id: 7 }],
  annotations: [
    { id: 1, image_id: 1, category_id: 3, bbox: [0, 0, 20, 20], area: 400, iscrowd: 0 },
    { id: 2, image_id: 2, category_id: 7, bbox: [10, 10, 200, 100], area: 20000, iscrowd: 0 },
  ],
}

function failure(results: string) {
  const { gtPath, dtPath } = writeCase(gt, results)
  return evaluateFiles(gtPath, dtPath).pipe(Effect.flip)
}

describe("evaluateFiles()", () => {
  const golden = JSON.parse(readFileSync(new URL("./golden_pycocotools.json", import.meta.url), "utf8")) as {
    cases: Array<CocoCase & { name: string; pycocotools: { stats: number[] } }>
  }
  it.effect("evaluateFiles() gives pycocotools' numbers from files", () =>
    Effect.gen(function* () {
      for (const c of golden.cases.filter((c) => ["seed4", "seed9", "seed12"].includes(c.name))) {
        const { gtPath, dtPath } = writeCase(c.gt, JSON.stringify(c.dt))
        const { result, seconds } = yield* evaluateFiles(gtPath, dtPath)
        c.pycocotools.stats.forEach((v, i) => {
          assert.closeTo(result.stats[i], v, 1e-12, `${c.name} stat ${i}`)
        })
        assert.isTrue(seconds.total >= seconds.load)
      }
    }),
  )

  it.effect("evaluateFiles() gives 0 where there is ground truth, -1 elsewhere, for an empty results list", () =>
    Effect.gen(function* () {
      const { gtPath, dtPath } = writeCase(gt, "[]")
      const { result } = yield* evaluateFiles(gtPath, dtPath)
      // a 20x20 object (small) and a 200x100 one (large): no medium ground truth
      assert.deepStrictEqual([...result.stats], [0, 0, 0, 0, -1, 0, 0, 0, 0, 0, -1, 0])
    }),
  )

  it.effect("evaluateFiles() refuses detections on an image the ground truth lacks, as pycocotools does", () =>
    Effect.gen(function* () {
      const error = yield* failure(JSON.stringify([{ image_id: 99, category_id: 3, bbox: [0, 0, 5, 5], score: 0.5 }]))
      assert.match(error.message, /results\[0\].*image_id names image 99, which is not in/)
    }),
  )

  it.effect("evaluateFiles() refuses an unknown category id", () =>
    Effect.gen(function* () {
      const error = yield* failure(JSON.stringify([{ image_id: 1, category_id: 4, bbox: [0, 0, 5, 5], score: 0.5 }]))
      assert.match(error.message, /category_id names category 4/)
    }),
  )

  it.effect("evaluateFiles() refuses negative and NaN box sizes", () =>
    Effect.gen(function* () {
      const negative = yield* failure(JSON.stringify([{ image_id: 1, category_id: 3, bbox: [0, 0, -5, 5], score: 1 }]))
      assert.match(negative.message, /results\[0\].*bbox\[2\]/)
      const nan = yield* failure('[{"image_id": 1, "category_id": 3, "bbox": [0, 0, NaN, 5], "score": 1}]')
      assert.match(nan.message, /Cannot parse .* at byte/)
    }),
  )

  it.effect("evaluateFiles() refuses a results file that is not a list", () =>
    Effect.gen(function* () {
      const error = yield* failure(JSON.stringify({ image_id: 1, category_id: 3, bbox: [0, 0, 5, 5], score: 1 }))
      assert.match(error.message, /dt\d+\.json/)
      assert.match(error.message, /array/i)
    }),
  )
})
