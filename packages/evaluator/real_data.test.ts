import { assert, describe, it } from "@effect/vitest"
import { loadDataset } from "@sniper/coco-io"
import { sharedDataOrSkip } from "@sniper/testing"
import { Effect } from "effect"
import { type EvalDetections, evaluateBoxes } from "./mod.ts"
import { type JsonBox, straightforwardEval } from "./straightforward_eval_fixtures.ts"

const file = "coco/annotations/instances_val2017_merged.json"

/** Detections made from the ground truth without randomness: shifted copies, duplicates and misses, tied scores. */
function detectionsFrom(gt: Effect.Success<ReturnType<typeof loadDataset>>): EvalDetections {
  const a = gt.annotations
  const n = a.count * 2
  const out = {
    count: n,
    image: new Int32Array(n),
    category: new Int32Array(n),
    bbox: new Float64Array(n * 4),
    score: new Float64Array(n),
  }
  for (let i = 0; i < a.count; i++) {
    for (let c = 0; c < 2; c++) {
      const k = i * 2 + c
      const shift = ((i * 7 + c * 3) % 9) - 4 // -4..4 px
      const [x, y, w, h] = a.bbox.subarray(i * 4, i * 4 + 4)
      out.image[k] = a.image[i]
      out.category[k] = c === 1 && i % 5 === 0 ? (a.category[i] + 1) % gt.categories.count : a.category[i]
      out.bbox.set(c === 0 ? [x + shift, y, w, h + shift / 2] : [x + 40, y - shift, w * 0.7, h], k * 4)
      out.score[k] = ((i * 13 + c * 29) % 20) / 20
    }
  }
  return out
}

describe("evaluateBoxes() on real COCO val2017 annotations", () => {
  it.effect(
    "gives AP 1 to the ground truth itself and agrees with the straightforward implementation",
    () =>
      Effect.gen(function* () {
        const path = sharedDataOrSkip(file, "evaluateBoxes() on real annotations")
        if (path === undefined) return
        const gt = yield* loadDataset(path, { keepZeroArea: true }) // as pycocotools sees it
        const a = gt.annotations
        const regular = [...Array(a.count).keys()].filter((i) => a.iscrowd[i] === 0)
        const perfect: EvalDetections = {
          count: regular.length,
          image: Int32Array.from(regular, (i) => a.image[i]),
          category: Int32Array.from(regular, (i) => a.category[i]),
          bbox: Float64Array.from(regular.flatMap((i) => [...a.bbox.subarray(i * 4, i * 4 + 4)])),
          score: Float64Array.from(regular, (_, j) => 1 - j / regular.length),
        }
        const best = evaluateBoxes(gt, perfect).stats
        for (const i of [0, 1, 2, 8]) assert.closeTo(best[i], 1, 1e-12)

        const dt = detectionsFrom(gt)
        const ours = evaluateBoxes(gt, dt)
        const json = (i: number, box: Float64Array): JsonBox => ({
          image_id: 0,
          category_id: 0,
          bbox: [...box.subarray(i * 4, i * 4 + 4)],
        })
        const annotations = [...Array(a.count).keys()].map((i) => ({
          ...json(i, a.bbox),
          image_id: gt.images.id[a.image[i]],
          category_id: gt.categories.id[a.category[i]],
          area: a.area[i],
          iscrowd: a.iscrowd[i],
        }))
        const results = [...Array(dt.count).keys()].map((i) => ({
          ...json(i, dt.bbox),
          image_id: gt.images.id[dt.image[i]],
          category_id: gt.categories.id[dt.category[i]],
          score: dt.score[i],
        }))
        const plain = straightforwardEval([...gt.images.id], [...gt.categories.id], annotations, results)
        assert.deepStrictEqual(ours.precision, plain.precision)
        assert.deepStrictEqual(ours.recall, plain.recall)
        assert.deepStrictEqual([...ours.stats], [...plain.stats])
        assert.isTrue(ours.stats[0] > 0.05 && ours.stats[0] < 0.9)
      }),
    60_000,
  )
})
