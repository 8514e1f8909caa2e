import type { ScaleSpec } from "./config.ts"
import { imageScales } from "./image_scales.ts"

/**
 * The smallest chip size, a multiple of `multiple` (the detector's stride), that holds every image at every
 * scale whole: what `sampling: "whole-image"` needs. Images as [width, height] in original px.
 */
export function wholeImageChipSize(
  images: Iterable<readonly [width: number, height: number]>,
  options: { readonly scales: ReadonlyArray<ScaleSpec>; readonly multiple: number },
): number {
  const { scales, multiple } = options
  if (!(Number.isSafeInteger(multiple) && multiple > 0)) {
    throw new RangeError(
      `Cannot size whole-image chips: multiple must be a positive integer, current value is ${multiple}`,
    )
  }
  let side = 1
  for (const [width, height] of images) {
    const scaled = imageScales(scales, width, height)
    for (let i = 0; i < scales.length; i++) side = Math.max(side, scaled.width[i], scaled.height[i])
  }
  return Math.ceil(side / multiple) * multiple
}
