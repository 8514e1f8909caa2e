/**
 * SNIPER chips (Singh, Najibi, Davis 2018): positive chips cover the boxes valid at each scale, negative chips
 * cover proposals no positive chip covers, each chip with its ground truth (`ChipTruth` of @sniper/boxes) and
 * its scale's valid range. Two sampling strategies: `reference` reproduces the released code, `paper` the clean
 * rules (docs/sniper.md sections 2-4 and 8). Pure functions over typed arrays; `ChipConfig` is an effect Schema.
 *
 * Boxes too large for a chip: below the coarsest scale a box is eligible only if its longer side is under
 * (C - d - 1) / s, which guarantees some grid chip holds it whole. The default coarsest scale fits the whole
 * image in one chip, so every box fits there. With a custom coarsest scale where a box does not fit, it stays
 * uncovered (`coverage` < 1); reference mode still makes it valid, cropped, in the chip holding most of it
 * (if that overlap passes the size bound); paper mode ignores it (`cut`).
 *
 * For comparison, two switches turn SNIPER off in parts: `sampling: "whole-image"` trains on whole images (one
 * chip per scale, every box valid: plain single- or multi-scale training) and `outOfRange: "valid"` trains the
 * boxes outside a chip's valid range instead of ignoring them (no scale normalization).
 *
 * ```ts
 * import { Result } from "effect"
 * import { chipConfig, chipImage, imageBoxes } from "@sniper/chip-sampler"
 * const config = Result.getOrThrow(chipConfig({ mode: "paper" }))
 * const image = imageBoxes({ id: 1, width: 640, height: 480, bbox: new Float64Array([100, 100, 40, 30]),
 *   category: new Int32Array([0]), crowd: new Uint8Array([0]) }, { mode: "paper" })
 * chipImage(image, config, { seed: 1, epoch: 0 }).positives // chips at 3x, 1.667x, with their ground truth
 * ```
 * @module
 */

export type { CandidateGrid } from "./candidates.ts"
export { candidateBox, candidateBoxes, candidateChips, candidateContains } from "./candidates.ts"
export type { ChipStats, ChipTally } from "./chip_stats.ts"
export { chipImagePixels, chipStats, emptyTally, statsOf, tallyImage } from "./chip_stats.ts"
export type { ChipStreamOptions } from "./chip_stream.ts"
export { chipStream } from "./chip_stream.ts"
export { chipStride } from "./chip_stride.ts"
export type { ChipFrame, ChipTruthOptions } from "./chip_truth.ts"
export { chipTruth } from "./chip_truth.ts"
export type { ChipConfigOptions } from "./config.ts"
export {
  ChipConfig,
  chipConfig,
  cocoValidRanges,
  defaultChipConfig,
  factorScales,
  Mode,
  OutOfRange,
  resolutionScales,
  Sampling,
  ScaleSpec,
  trainsEveryBox,
} from "./config.ts"
export { datasetImage } from "./dataset_image.ts"
export { chipOverlay, DrawError, drawChips } from "./draw_chips.ts"
export { BadImageSize, InvalidChipConfig, UnknownProposalImage } from "./errors.ts"
export type { Cover } from "./greedy_cover.ts"
export { greedyCover } from "./greedy_cover.ts"
export type { CocoImage } from "./image_boxes.ts"
export { imageBoxes } from "./image_boxes.ts"
export type { ChipImageOptions } from "./image_chips.ts"
export { chipImage } from "./image_chips.ts"
export type { ImageScales } from "./image_scales.ts"
export { imageScales } from "./image_scales.ts"
export type { Proposals } from "./proposals.ts"
export { proposalsByImageId, proposalsFromDetections } from "./proposals.ts"
export type { Draft, Placement, SamplingStrategy, ScaleGroup } from "./sampling_strategy.ts"
export { paperStrategy, referenceStrategy, samplingStrategy } from "./sampling_strategy.ts"
export type { Chip, ImageBoxes, ImageChips, SampledChipTruth } from "./types.ts"
export { IgnoreReason } from "./types.ts"
export { wholeImageChipSize } from "./whole_image_chip_size.ts"
