/**
 * COCO annotations and results in, as columns of typed arrays; images and chips (image_*.ts).
 *
 * ```ts
 * const dataset = yield* loadDataset("instances_val2017.json") // streamed; CocoRecordError names file, index, id, field
 * const first = dataset.imageStart[0], end = dataset.imageStart[1] // annotation rows of image row 0, in file order
 * const detections = yield* readDetections("results.json", dataset) // image rows and contiguous category indices
 * const forEval = yield* readEvaluationResults("results.json", yield* loadDataset("val.json", { keepZeroArea: true }))
 * yield* writeDetections("copy.json", dataset, detections)
 * ```
 * @module
 */
export type { Dataset, Detections } from "./dataset.ts"
export {
  type EvaluationResults,
  NonFiniteDetection,
  type ReadDetectionsOptions,
  readDetections,
  readEvaluationResults,
  writeDetectionStream,
  writeDetections,
} from "./detections.ts"
export {
  categoryColour,
  type DetectionLabels,
  type DetectionLayout,
  type DetectionsToDraw,
  type DrawnDetection,
  detectionLayout,
  detectionSvg,
  drawDetections,
} from "./draw_detections.ts"
export {
  DrawError,
  escapeXml,
  type ImageSource,
  type OverlaySizes,
  overlaySizes,
  writeOverlay,
} from "./draw_overlay.ts"
export type { CocoError, CocoProblem } from "./errors.ts"
export { CocoJsonError, CocoProblems, CocoReadError, CocoRecordError, CocoWriteError } from "./errors.ts"
export { type ChipOptions, type ChipWindow, cutChip, cutChips, resizedSize } from "./image_chip.ts"
export {
  type DecodedImage,
  type DecodeOptions,
  decodeImage,
  decodeImageBytes,
  defaultMaxPixels,
  type ImageRef,
} from "./image_decode.ts"
export { BadImage, BadImageReason } from "./image_error.ts"
export { caffeBgrNormalization, imagenetNormalization, type Normalization } from "./image_normalization.ts"
export { resolveImagePath } from "./image_path.ts"
export { readChips } from "./image_read_chips.ts"
export { imageRefOf } from "./image_ref.ts"
export { type BadImageLog, formatBadImages, makeBadImageLog, skipBadImages } from "./image_skip.ts"
export { type LoadDatasetOptions, loadDataset } from "./load_dataset.ts"
export { type DatasetSummary, summarizeDataset } from "./summary.ts"
export {
  maxSynthImages,
  minSynthSide,
  type SynthOptions,
  SynthOptionsError,
  type SynthSplitSummary,
  type SynthSummary,
  SynthWriteError,
  writeSynthDataset,
} from "./synth_dataset.ts"
export { synthCategories } from "./synth_shapes.ts"
