import type { BoxArray } from "@sniper/boxes"

/** How one test scale resized an image: output px per original px along x and y, and the original size. */
export interface ScaleFrame {
  readonly scaleX: number
  readonly scaleY: number
  /** Original image size in px. */
  readonly width: number
  readonly height: number
}

/**
 * xyxy boxes in a scaled image's px mapped back to original-image px (x / scaleX, y / scaleY) and clamped to
 * [0, width] x [0, height]. Returns a new Float64Array.
 */
export function toOriginalFrame(boxes: BoxArray, frame: ScaleFrame): Float64Array {
  const { scaleX, scaleY, width, height } = frame
  for (const [name, v] of [
    ["scaleX", scaleX],
    ["scaleY", scaleY],
    ["width", width],
    ["height", height],
  ] as const) {
    if (!(Number.isFinite(v) && v > 0))
      throw new RangeError(
        `Cannot map proposals to the original image: ${name} must be positive, current value is ${v}`,
      )
  }
  if (boxes.length % 4 !== 0)
    throw new RangeError(
      `Cannot map proposals to the original image: boxes must hold 4 numbers a box, current length is ${boxes.length}`,
    )
  const out = new Float64Array(boxes.length)
  for (let k = 0; k < boxes.length; k += 4) {
    out[k] = Math.min(width, Math.max(0, boxes[k] / scaleX))
    out[k + 1] = Math.min(height, Math.max(0, boxes[k + 1] / scaleY))
    out[k + 2] = Math.min(width, Math.max(0, boxes[k + 2] / scaleX))
    out[k + 3] = Math.min(height, Math.max(0, boxes[k + 3] / scaleY))
  }
  return out
}
