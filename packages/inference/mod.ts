/**
 * SNIPER's whole-image multi-scale inference (docs/sniper.md section 6), the one path used by evaluation,
 * proposals and `sniper detect`: per test scale the image is resized by the (short, long) rule with coco-io's
 * rounding, padded only to the stride, run through the detector, mapped back with separate x and y factors and
 * clipped to the image; each scale keeps its valid range; the scales are merged per category (Soft-NMS).
 *
 * ```ts
 * import { detectStream } from "@sniper/inference"
 * const results = detectStream(detector, rows, {
 *   ...config.test, decode: (row) => decodeImage(imageRoot, imageRefOf(dataset, row)), badImages,
 * }) // Stream of { input, index, image, detections }, in input order
 * // The same detections, bit for bit, with the images spread over two threads (each with a replica):
 * const faster = detectStream(detector, rows, { ...config.test, decode, badImages, workers: 2 })
 * ```
 *
 * The threads come from a pool that the trainer's step runner shares (makeThreadPool, serveThreadJobs): each
 * thread loads the backend and a replica whose weights come once through a shared board (writeWeights).
 * @module
 */
export { demoInference, InferenceConfig, type InferenceOptions, oneRangePerScale, sniperInference } from "./config.ts"
export {
  checkInferenceOptions,
  detectImage,
  detectScaledImage,
  mergeOptionsOf,
  type ScaledImages,
} from "./detect_image.ts"
export { type DetectedImage, detectStream } from "./detect_stream.ts"
export {
  type DetectorWorkerData,
  type DetectorWorkerHooks,
  detectTask,
  type ImageJob,
  type ImageTask,
  serveDetector,
} from "./detector_worker.ts"
export { type DecodeOptions, type PreparedImage, preparedImages } from "./image_stream.ts"
export {
  type ImageResult,
  type ImageRunOptions,
  type ImageWorkerOptions,
  InferenceWorkerFailed,
  imageResults,
  makeImagePool,
} from "./image_workers.ts"
export {
  type ImageDetections,
  type MergeOptions,
  mergeScales,
  proposalMerge,
  type ScaleDetections,
} from "./merge_scales.ts"
export { type ScaleFrame, toOriginalFrame } from "./original_frame.ts"
export { type Resolution, type ScaleGeometry, scaleGeometry } from "./scale_geometry.ts"
export { type ScaledImage, scaleImage } from "./scaled_image.ts"
export {
  describeCause,
  type JobDone,
  makeThreadPool,
  type ThreadData,
  type ThreadJob,
  type ThreadPool,
  type ThreadPoolOptions,
  type ThreadReply,
  type WorkerMemory,
} from "./thread_pool.ts"
export { type JobServer, serveThreadJobs } from "./thread_worker.ts"
export { readWeights, writeWeights } from "./weight_board.ts"
