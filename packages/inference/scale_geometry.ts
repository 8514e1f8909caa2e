import { scaleForResolution } from "@sniper/boxes"
import { resizedSize } from "@sniper/coco-io"

/** A test scale in SNIPER's (short, long) resolution form (docs/sniper.md section 1); -1 = unbounded. */
export interface Resolution {
  readonly short: number
  readonly long: number
}

/**
 * Where one test scale puts a whole image: the resized content (`contentWidth` x `contentHeight` px, top-left)
 * and the network input around it (`inputWidth` x `inputHeight`, zero-padded at right and bottom to multiples of
 * the stride, never to a square). `scale` is the (short, long) rule's factor; `scaleX`, `scaleY` are content px
 * per original px along each axis (they differ from `scale` by the rounding of the content size).
 */
export interface ScaleGeometry {
  readonly scale: number
  readonly scaleX: number
  readonly scaleY: number
  readonly contentWidth: number
  readonly contentHeight: number
  readonly inputWidth: number
  readonly inputHeight: number
}

/** The geometry of one test scale for a `width` x `height` image; content sides round as coco-io's resize does. */
export function scaleGeometry(width: number, height: number, resolution: Resolution, stride: number): ScaleGeometry {
  if (!(Number.isInteger(stride) && stride > 0))
    throw new RangeError(`Cannot place image at scale: stride must be a positive integer, current value is ${stride}`)
  const scale = scaleForResolution(width, height, resolution.short, resolution.long)
  const [contentWidth, contentHeight] = resizedSize(width, height, scale)
  return {
    scale,
    scaleX: contentWidth / width,
    scaleY: contentHeight / height,
    contentWidth,
    contentHeight,
    inputWidth: Math.ceil(contentWidth / stride) * stride,
    inputHeight: Math.ceil(contentHeight / stride) * stride,
  }
}
