/** @module @sniper/coco-io (work in progress) */
export {}
export { BadImage, BadImageReason } from "./image_error.ts"
export { resolveImagePath } from "./image_path.ts"
export { type DecodedImage, type DecodeOptions, decodeImage, decodeImageBytes, defaultMaxPixels, type ImageRef } from "./image_decode.ts"
export { type ChipOptions, type ChipWindow, cutChip, cutChips } from "./image_chip.ts"
export { caffeBgrNormalization, imagenetNormalization, type Normalization } from "./image_normalization.ts"
export { readChips } from "./image_read_chips.ts"
export { type BadImageLog, formatBadImages, makeBadImageLog, skipBadImages } from "./image_skip.ts"
