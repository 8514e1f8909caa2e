/** Test helper: columns from COCO-shaped objects (images, categories, annotations, results), no file involved. */

import type { EvalDetections, EvalGroundTruth } from "./inputs.ts"
import type { JsonBox } from "./straightforward_eval_fixtures.ts"

export interface CocoJson {
  readonly images: ReadonlyArray<{ readonly id: number }>
  readonly categories: ReadonlyArray<{ readonly id: number; readonly name?: string }>
  readonly annotations: ReadonlyArray<JsonBox>
}

/**
 * Ground truth and detections as columns; `area` defaults to w * h, `iscrowd` to 0. Results of a category the
 * ground truth lacks are left out, as coco-io's `readEvaluationResults` does; an unknown image becomes row -1.
 */
export function columnsFromJson(
  gt: CocoJson,
  allResults: ReadonlyArray<JsonBox>,
): { gt: EvalGroundTruth; dt: EvalDetections } {
  const imageRow = new Map(gt.images.map((im, i) => [im.id, i]))
  const cats = [...gt.categories].sort((a, b) => a.id - b.id)
  const catRow = new Map(cats.map((c, i) => [c.id, i]))
  const results = allResults.filter((d) => catRow.has(d.category_id))
  const anns = gt.annotations
  const columns: EvalGroundTruth = {
    images: { count: gt.images.length, id: Float64Array.from(gt.images, (im) => im.id) },
    categories: {
      count: cats.length,
      id: Int32Array.from(cats, (c) => c.id),
      name: cats.map((c) => c.name ?? `category ${c.id}`),
    },
    annotations: {
      count: anns.length,
      image: Int32Array.from(anns, (a) => imageRow.get(a.image_id) ?? -1),
      category: Int32Array.from(anns, (a) => catRow.get(a.category_id) ?? -1),
      bbox: Float64Array.from(anns.flatMap((a) => a.bbox)),
      area: Float64Array.from(anns, (a) => a.area ?? a.bbox[2] * a.bbox[3]),
      iscrowd: Uint8Array.from(anns, (a) => a.iscrowd ?? 0),
    },
  }
  const dt: EvalDetections = {
    count: results.length,
    image: Int32Array.from(results, (d) => imageRow.get(d.image_id) ?? -1),
    category: Int32Array.from(results, (d) => catRow.get(d.category_id)!),
    bbox: Float64Array.from(results.flatMap((d) => d.bbox)),
    score: Float64Array.from(results, (d) => d.score ?? 0),
  }
  return { gt: columns, dt }
}
