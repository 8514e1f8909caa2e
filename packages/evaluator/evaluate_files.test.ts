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

function assertNear(actual: ReadonlyArray<number>, expected: ReadonlyArray<number>) {
  assert.strictEqual(actual.length, expected.length)
  actual.forEach((v, i) => {
    assert.closeTo(v, expected[i], 1e-12, `stat ${i}`)
  })
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

  it.effect("evaluateFiles() gives pycocotools' numbers with zero-area ground truth and unknown categories", () =>
    Effect.gen(function* () {
      for (const c of golden.cases.filter((c) => c.name.startsWith("degenerate-"))) {
        const { gtPath, dtPath } = writeCase(c.gt, JSON.stringify(c.dt))
        const { result, warnings, zeroAreaGroundTruth } = yield* evaluateFiles(gtPath, dtPath)
        c.pycocotools.stats.forEach((v, i) => {
          assert.closeTo(result.stats[i], v, 1e-12, `${c.name} stat ${i}`)
        })
        const known = new Set(c.gt.categories.map((k) => k.id))
        const unknown = c.dt.filter((d) => !known.has(d.category_id))
        assert.deepStrictEqual(
          warnings.map((w) => [w.count, w.categoryIds]),
          [[unknown.length, [...new Set(unknown.map((d) => d.category_id))].sort((a, b) => a - b)]],
        )
        const flat = c.gt.annotations.filter((a) => a.bbox[2] === 0 || a.bbox[3] === 0)
        assert.isTrue(flat.length > 0)
        assert.strictEqual(zeroAreaGroundTruth, flat.length)
      }
    }),
  )

  it.effect("evaluateFiles() ignores detections of unknown categories with one warning, changing nothing", () =>
    Effect.gen(function* () {
      // the two objects found exactly: AP 1 (small and large), whatever the unknown categories 4 and 91 say
      const hits = [
        { image_id: 1, category_id: 3, bbox: [0, 0, 20, 20], score: 0.8 },
        { image_id: 2, category_id: 7, bbox: [10, 10, 200, 100], score: 0.7 },
      ]
      const strays = [
        { image_id: 1, category_id: 4, bbox: [0, 0, 20, 20], score: 0.99 },
        { image_id: 2, category_id: 91, bbox: [0, 0, 5, 5], score: 0.9 },
        { image_id: 2, category_id: 4, bbox: [10, 10, 200, 100], score: 0.95 },
      ]
      const { gtPath, dtPath } = writeCase(gt, JSON.stringify([strays[0], hits[0], strays[1], hits[1], strays[2]]))
      const { result, warnings } = yield* evaluateFiles(gtPath, dtPath)
      assert.deepStrictEqual(
        [...result.stats].map((x) => Math.round(x * 1e9) / 1e9),
        [1, 1, 1, 1, -1, 1, 1, 1, 1, 1, -1, 1],
      )
      assert.strictEqual(warnings.length, 1)
      const [warning] = warnings
      assert.strictEqual(warning._tag, "UnknownCategoriesIgnored")
      assert.deepStrictEqual([warning.file, warning.annotations, warning.count], [dtPath, gtPath, 3])
      assert.deepStrictEqual(warning.categoryIds, [4, 91])
      assert.strictEqual(
        warning.message,
        `3 detections in "${dtPath}" name category ids not in "${gtPath}" (4, 91): ignored, as pycocotools does`,
      )
      assert.notInclude(warning.message, "\n")
      // without the strays: the same numbers and no warning
      const clean = writeCase(gt, JSON.stringify(hits))
      const plain = yield* evaluateFiles(clean.gtPath, clean.dtPath)
      assert.deepStrictEqual([...plain.result.stats], [...result.stats])
      assert.deepStrictEqual(plain.warnings, [])
    }),
  )

  it.effect("evaluateFiles() keeps zero-area ground truth, which lowers recall as in pycocotools", () =>
    Effect.gen(function* () {
      // image 1 also holds a zero-height object (area field 0: small): 1 of the 2 small objects can be found,
      // so small AR is 0.5 and small AP 51/101 (precision 1 up to recall 0.5); all: 2 of 3 found
      const flat = { id: 3, image_id: 1, category_id: 3, bbox: [50, 50, 30, 0], area: 0, iscrowd: 0 }
      const withFlat = { ...gt, annotations: [...gt.annotations, flat] }
      const hits = [
        { image_id: 1, category_id: 3, bbox: [0, 0, 20, 20], score: 0.8 },
        { image_id: 2, category_id: 7, bbox: [10, 10, 200, 100], score: 0.7 },
      ]
      const { gtPath, dtPath } = writeCase(withFlat, JSON.stringify(hits))
      const { result, zeroAreaGroundTruth, warnings } = yield* evaluateFiles(gtPath, dtPath)
      // category 3: AP 51/101, AR .5; category 7: AP 1, AR 1 -> all: means of the two
      const ap = (51 / 101 + 1) / 2
      assertNear([...result.stats], [ap, ap, ap, 51 / 101, -1, 1, 0.75, 0.75, 0.75, 0.5, -1, 1])
      assert.strictEqual(zeroAreaGroundTruth, 1)
      assert.deepStrictEqual(warnings, [])
    }),
  )

  it.effect("evaluateFiles() refuses NaN and infinite scores and non-numeric boxes, naming file, index and field", () =>
    Effect.gen(function* () {
      const ok = { image_id: 1, category_id: 3, bbox: [0, 0, 5, 5], score: 0.5 }
      const nan = yield* failure(
        `[${JSON.stringify(ok)}, {"image_id": 1, "category_id": 3, "bbox": [0, 0, 5, 5], "score": NaN}]`,
      )
      assert.match(nan.message, /^Cannot load ".*dt\d+\.json": results\[1\] \(id 1\) field score is NaN/)
      const inf = yield* failure('[{"image_id": 1, "category_id": 3, "bbox": [0, 0, 5, 5], "score": -Infinity}]')
      assert.match(inf.message, /dt\d+\.json": results\[0\] \(id 1\) field score is -Infinity/)
      const huge = yield* failure(JSON.stringify([ok, ok]).replace(/0\.5\}\]$/, "1e400}]"))
      assert.match(huge.message, /results\[1\] \(id 1\) field score expected a finite number, got Infinity/)
      const text = yield* failure(JSON.stringify([{ ...ok, bbox: [0, "0", 5, 5] }]))
      assert.match(text.message, /results\[0\] \(id 1\) field bbox\[1\] expected number, got "0"/)
      const nanBox = yield* failure('[{"image_id": 1, "category_id": 3, "bbox": [0, 0, NaN, 5], "score": 1}]')
      assert.match(nanBox.message, /results\[0\] \(id 1\) field bbox\[2\] is NaN/)
      // an unknown category does not hide a bad score
      const unknownNan = yield* failure('[{"image_id": 1, "category_id": 4, "bbox": [0, 0, 5, 5], "score": NaN}]')
      assert.match(unknownNan.message, /results\[0\] \(id 1\) field score is NaN/)
    }),
  )

  it.effect("evaluateFiles() refuses negative box sizes", () =>
    Effect.gen(function* () {
      const negative = yield* failure(JSON.stringify([{ image_id: 1, category_id: 3, bbox: [0, 0, -5, 5], score: 1 }]))
      assert.match(negative.message, /results\[0\].*bbox\[2\]/)
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
