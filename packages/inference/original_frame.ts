import type { BoxArray } from "@sniper/boxes"
import type { ScaleGeometry } from "./scale_geometry.ts"

/** How one test scale resized an image (its geometry's factors and content) and the original size in px. */
export interface ScaleFrame extends Pick<ScaleGeometry, "scaleX" | "scaleY" | "contentWidth" | "contentHeight"> {
  readonly width: number
  readonly height: number
}

/**
 * xyxy boxes in a scaled input's px mapped back to original-image px: clipped to the content region
 * [0, contentWidth] x [0, contentHeight] (the padding is no image), divided by scaleX and scaleY, and clamped to
 * [0, width] x [0, height] (float division may land a hair outside). Returns a new Float64Array.
 */
export function toOriginalFrame(boxes: BoxArray, frame: ScaleFrame): Float64Array {
  const { scaleX, scaleY, contentWidth, contentHeight, width, height } = frame
  for (const [name, v] of [
    ["scaleX", scaleX],
    ["scaleY", scaleY],
    ["contentWidth", contentWidth],
    ["contentHeight", contentHeight],
    ["width", width],
    ["height", height],
  ] as const) {
    if (!(Number.isFinite(v) && v > 0))
      throw new RangeError(`Cannot map boxes to the original image: ${name} must be positive, current value is ${v}`)
  }
  if (boxes.length % 4 !== 0)
    throw new RangeError(
      `Cannot map boxes to the original image: boxes must hold 4 numbers a box, current length is ${boxes.length}`,
    )
  const out = new Float64Array(boxes.length)
  for (let k = 0; k < boxes.length; k += 2) {
    const x = Math.min(contentWidth, Math.max(0, boxes[k]))
    const y = Math.min(contentHeight, Math.max(0, boxes[k + 1]))
    out[k] = Math.min(width, x / scaleX)
    out[k + 1] = Math.min(height, y / scaleY)
  }
  return out
}
