/** COCO bbox evaluation with pycocotools' COCOeval semantics, over columns. */
import { type Accumulated, accumulate } from "./accumulate.ts"
import type { EvalDetections, EvalGroundTruth } from "./inputs.ts"
import { matchDetections } from "./match_detections.ts"
import { type CocoParams, cocoBboxParams } from "./params.ts"
import { summarize, summaryStat } from "./summarize.ts"

/** AP of one category over IoU .50:.95, at .50 and at .75 (area all, 100 detections); -1 without ground truth. */
export interface CategoryAp {
  readonly id: number
  readonly name: string
  readonly ap: number
  readonly ap50: number
  readonly ap75: number
}

/** Everything COCOeval computes: the 12 stats, the accumulated arrays (for plots) and per-category AP. */
export interface CocoEvaluation extends Accumulated {
  readonly params: CocoParams
  readonly stats: Float64Array
  readonly perCategory: ReadonlyArray<CategoryAp>
  /** seconds spent matching (pycocotools' evaluate) and accumulating */
  readonly seconds: { readonly evaluate: number; readonly accumulate: number }
}

function checkRows(gt: EvalGroundTruth, dt: EvalDetections): void {
  const I = gt.images.count
  const K = gt.categories.count
  for (let i = 0; i < dt.count; i++) {
    if (!(dt.image[i] >= 0 && dt.image[i] < I)) {
      throw new RangeError(
        `Cannot evaluate detection ${i}: image row must be in [0, ${I}), current value is ${dt.image[i]}`,
      )
    }
    if (!(dt.category[i] >= 0 && dt.category[i] < K)) {
      throw new RangeError(
        `Cannot evaluate detection ${i}: category row must be in [0, ${K}), current value is ${dt.category[i]}`,
      )
    }
  }
}

/**
 * Evaluates detections against ground truth as pycocotools' `COCOeval(gt, dt, "bbox")` with default params does
 * (evaluate, accumulate, summarize). Rows must be valid (see `checkDetections` for data from files).
 */
export function evaluateBoxes(gt: EvalGroundTruth, dt: EvalDetections): CocoEvaluation {
  const params = cocoBboxParams
  checkRows(gt, dt)
  const t0 = performance.now()
  const matches = matchDetections(gt, dt, params)
  const t1 = performance.now()
  const acc = accumulate(matches, params, gt.categories.count)
  const t2 = performance.now()
  const stats = summarize(acc, params)
  const perCategory = Array.from({ length: gt.categories.count }, (_, k) => {
    const categories = [k]
    return {
      id: gt.categories.id[k],
      name: gt.categories.name[k],
      ap: summaryStat(acc, params, { ap: true, area: "all", maxDets: 100, categories }),
      ap50: summaryStat(acc, params, { ap: true, iou: 0.5, area: "all", maxDets: 100, categories }),
      ap75: summaryStat(acc, params, { ap: true, iou: 0.75, area: "all", maxDets: 100, categories }),
    }
  })
  return { ...acc, params, stats, perCategory, seconds: { evaluate: (t1 - t0) / 1000, accumulate: (t2 - t1) / 1000 } }
}
