/**
 * COCO annotations and results in, as columns of typed arrays; images and chips (image_*.ts).
 * @module
 */
export type { Dataset, Detections } from "./dataset.ts"
export type { CocoError, CocoProblem } from "./errors.ts"
export { CocoJsonError, CocoProblems, CocoReadError, CocoRecordError } from "./errors.ts"
export { type LoadDatasetOptions, loadDataset } from "./load_dataset.ts"
