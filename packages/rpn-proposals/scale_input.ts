import { scaleForResolution } from "@sniper/boxes"
import { resizedSize } from "@sniper/coco-io"

/** A test scale in SNIPER's (short, long) resolution form (SNIPER.md section 1); -1 = unbounded. */
export interface Resolution {
  readonly short: number
  readonly long: number
}

/**
 * Where one test scale puts an image: the scaled content (`contentWidth` x `contentHeight` px, top-left), the
 * network input around it (`inputWidth` x `inputHeight`, padded with zeros to multiples of the stride) and the
 * square canvas coco-io's `cutChip` fills (`canvas` px a side). `scaleX`, `scaleY`: content px per original px.
 */
export interface ScaleInput {
  readonly scale: number
  readonly scaleX: number
  readonly scaleY: number
  readonly contentWidth: number
  readonly contentHeight: number
  readonly inputWidth: number
  readonly inputHeight: number
  readonly canvas: number
}

/** The geometry of one test scale for a `width` x `height` image (content sides as coco-io's resize makes them). */
export function scaleInput(width: number, height: number, resolution: Resolution, stride: number): ScaleInput {
  if (!(Number.isInteger(stride) && stride > 0))
    throw new RangeError(`Cannot place image at scale: stride must be a positive integer, current value is ${stride}`)
  const scale = scaleForResolution(width, height, resolution.short, resolution.long)
  const [contentWidth, contentHeight] = resizedSize(width, height, scale)
  const inputWidth = Math.ceil(contentWidth / stride) * stride
  const inputHeight = Math.ceil(contentHeight / stride) * stride
  return {
    scale,
    scaleX: contentWidth / width,
    scaleY: contentHeight / height,
    contentWidth,
    contentHeight,
    inputWidth,
    inputHeight,
    canvas: Math.max(inputWidth, inputHeight),
  }
}
