import { scaledSize, scaleForResolution } from "@sniper/boxes"
import type { ScaleSpec } from "./config.ts"

/** The factor s of one scale for a `width x height` image (original px to scaled px). */
export function scaleOf(spec: ScaleSpec, width: number, height: number): number {
  return "factor" in spec ? spec.factor : scaleForResolution(width, height, spec.short, spec.long)
}

/** Per scale: s and the scaled image size int(W s) x int(H s), as the reference computes them. */
export interface ImageScales {
  readonly scale: Float64Array
  readonly width: Int32Array
  readonly height: Int32Array
}

/** The scales of one image, in config order (finest first). */
export function imageScales(scales: ReadonlyArray<ScaleSpec>, width: number, height: number): ImageScales {
  const n = scales.length
  const out = { scale: new Float64Array(n), width: new Int32Array(n), height: new Int32Array(n) }
  for (let i = 0; i < n; i++) {
    const s = scaleOf(scales[i], width, height)
    const [w, h] = scaledSize(width, height, s)
    out.scale[i] = s
    out.width[i] = w
    out.height[i] = h
  }
  return out
}
