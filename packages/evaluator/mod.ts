/**
 * COCO bbox evaluation with pycocotools' numbers, and precision-recall curves.
 * @example
 * const result = evaluateBoxes(dataset, detections) // dataset, detections from @sniper/coco-io
 * console.log(formatStats(result.stats, result.params))
 * @module
 */
export type { Accumulated } from "./accumulate.ts"
export { type CategoryAp, type CocoEvaluation, evaluateBoxes } from "./coco_eval.ts"
export { addImageDetections, type DetectionChunks, emptyDetections, toDetections } from "./detection_columns.ts"
export {
  type EvaluationWarning,
  evaluateFiles,
  type FileEvaluation,
  UnknownCategoriesIgnored,
} from "./evaluate_files.ts"
export type { EvalDetections, EvalGroundTruth } from "./inputs.ts"
export { type AreaRange, type CocoParams, cocoBboxParams } from "./params.ts"
export { type CurveOptions, PlotError, prCurveSpec, precisionCurve, renderSvg } from "./pr_curve.ts"
export { formatFixed3, formatStats, type StatSpec, statSpecs, summarize, summaryStat } from "./summarize.ts"
