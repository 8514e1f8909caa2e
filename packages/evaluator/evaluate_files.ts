/** The whole job from files: load a COCO instances file and a results file (coco-io), then evaluate. */
import { loadDataset, readEvaluationResults } from "@sniper/coco-io"
import { Effect, Schema } from "effect"
import { type CocoEvaluation, evaluateBoxes } from "./coco_eval.ts"

/** Detections naming categories the ground truth lacks: left out, as pycocotools' evaluation never looks at them. */
export class UnknownCategoriesIgnored extends Schema.TaggedClass<UnknownCategoriesIgnored>()(
  "UnknownCategoriesIgnored",
  {
    /** The results file. */
    file: Schema.String,
    /** The instances file. */
    annotations: Schema.String,
    count: Schema.Number,
    /** The distinct unknown category ids, ascending. */
    categoryIds: Schema.Array(Schema.Number),
  },
) {
  get message(): string {
    const ids = this.categoryIds.slice(0, 10).join(", ") + (this.categoryIds.length > 10 ? ", ..." : "")
    const [detections, verb] = this.count === 1 ? ["1 detection", "names"] : [`${this.count} detections`, "name"]
    return `${detections} in "${this.file}" ${verb} category ids not in "${this.annotations}" (${ids}): ignored, as pycocotools does`
  }
}

/** What an evaluation from files reports besides its numbers (the CLI prints each message on one line). */
export type EvaluationWarning = UnknownCategoriesIgnored

/** An evaluation with the time its files took to load, and what was left out or kept unmatchable. */
export interface FileEvaluation {
  readonly result: CocoEvaluation
  /** seconds: loading both files, then pycocotools' evaluate and accumulate, and the total */
  readonly seconds: {
    readonly load: number
    readonly evaluate: number
    readonly accumulate: number
    readonly total: number
  }
  readonly warnings: ReadonlyArray<EvaluationWarning>
  /** ground-truth boxes of zero width or height: kept, as in pycocotools, as objects no detection can match */
  readonly zeroAreaGroundTruth: number
}

/**
 * Evaluates a results file against an instances file as pycocotools' `loadRes` and `COCOeval` do: zero-area ground
 * truth is kept (it lowers recall), detections of unknown categories are left out with one warning. Refused, as a
 * coco-io error naming the file, record index and field: an image the instances file lacks (`loadRes` asserts),
 * NaN or infinite numbers, non-numeric or negative box sizes, a file that is not a JSON array. An empty array
 * evaluates to 0 (or -1 where there is no ground truth).
 */
export const evaluateFiles = Effect.fn("evaluateFiles")(function* (annotationsPath: string, detectionsPath: string) {
  const started = performance.now()
  const dataset = yield* loadDataset(annotationsPath, { keepZeroArea: true })
  const { detections, unknownCategory } = yield* readEvaluationResults(detectionsPath, dataset)
  const load = (performance.now() - started) / 1000
  const result = evaluateBoxes(dataset, detections)
  const total = (performance.now() - started) / 1000
  const warnings: Array<EvaluationWarning> = []
  if (unknownCategory.count > 0) {
    warnings.push(
      new UnknownCategoriesIgnored({
        file: detectionsPath,
        annotations: annotationsPath,
        count: unknownCategory.count,
        categoryIds: unknownCategory.ids,
      }),
    )
  }
  const evaluation: FileEvaluation = {
    result,
    seconds: { load, ...result.seconds, total },
    warnings,
    zeroAreaGroundTruth: zeroAreaCount(dataset.annotations.bbox),
  }
  return evaluation
})

function zeroAreaCount(bbox: Float64Array): number {
  let n = 0
  for (let i = 0; i < bbox.length; i += 4) if (bbox[i + 2] === 0 || bbox[i + 3] === 0) n++
  return n
}
