/** The whole job from files: load a COCO instances file and a results file (coco-io), then evaluate. */
import { loadDataset, readDetections } from "@sniper/coco-io"
import { Effect } from "effect"
import { type CocoEvaluation, evaluateBoxes } from "./coco_eval.ts"

/** An evaluation with the time its files took to load, and what the loader left out. */
export interface FileEvaluation {
  readonly result: CocoEvaluation
  /** seconds: loading both files, then pycocotools' evaluate and accumulate, and the total */
  readonly seconds: {
    readonly load: number
    readonly evaluate: number
    readonly accumulate: number
    readonly total: number
  }
  /** ground-truth boxes of zero width or height the loader dropped (pycocotools keeps them as unfindable objects) */
  readonly zeroAreaDropped: number
}

/**
 * Evaluates a results file against an instances file. Like pycocotools' `loadRes`, detections naming an image or a
 * category the instances file lacks are refused (a `CocoRecordError` naming the record), as are non-finite numbers,
 * negative box sizes and a file that is not a JSON array; an empty array evaluates to 0 (or -1 where no ground truth).
 */
export const evaluateFiles = Effect.fn("evaluateFiles")(function* (annotationsPath: string, detectionsPath: string) {
  const started = performance.now()
  const dataset = yield* loadDataset(annotationsPath)
  const detections = yield* readDetections(detectionsPath, dataset)
  const load = (performance.now() - started) / 1000
  const result = evaluateBoxes(dataset, detections)
  const total = (performance.now() - started) / 1000
  const evaluation: FileEvaluation = {
    result,
    seconds: { load, ...result.seconds, total },
    zeroAreaDropped: dataset.zeroAreaDropped,
  }
  return evaluation
})
