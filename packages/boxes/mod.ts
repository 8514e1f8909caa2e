/**
 * Box geometry for SNIPER over flat typed arrays (4 numbers a box, xyxy pixels unless a name says xywh):
 * formats, IoU, Faster R-CNN deltas, clipping, size filters, NMS and Soft-NMS, SNIPER's scale helpers.
 * Widths carry no +1 unless `plusOne: true` (the reference code's inclusive convention).
 *
 * ```ts
 * import { iouMatrix, nms } from "@sniper/boxes"
 * const boxes = new Float32Array([0, 0, 10, 10, 1, 1, 11, 11, 50, 50, 60, 60])
 * iouMatrix(boxes, boxes)[1] // 81 / 119
 * nms(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.5 }) // Int32Array [0, 2]
 * ```
 * @module
 */
export { boxCount } from "./_check.ts"
export type { ChipTruth } from "./chip_truth.ts"
export { clipBoxes, clipBoxesInPlace } from "./clip.ts"
export type { DecodeOptions, DeltaOptions } from "./deltas.ts"
export { decodeDeltas, defaultClampLog, encodeDeltas } from "./deltas.ts"
export type { FilterOptions } from "./filter_boxes.ts"
export { filterBoxes } from "./filter_boxes.ts"
export { areas, xywhToXyxy, xyxyToXywh } from "./format.ts"
export type { IouOptions } from "./iou.ts"
export { cocoIouMatrix, intersectionOverArea, iouMatrix } from "./iou.ts"
export type { NmsOptions } from "./nms.ts"
export { batchedNms, nms } from "./nms.ts"
export {
  boxSize,
  boxSizes,
  fitScale,
  inValidRange,
  roundHalfEven,
  scaledSize,
  scaleForResolution,
} from "./scale.ts"
export type { SoftNmsOptions } from "./soft_nms.ts"
export { sniperSoftNms, softNms } from "./soft_nms.ts"
export type { BoxArray, SameKind, ValidRange, WidthOptions } from "./types.ts"
