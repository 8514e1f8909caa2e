/** Anchor shapes at one location: A = ratios x scales, ratio-major; (x1, y1, x2, y2) around (0, 0). */
export function cellAnchors(
  stride: number,
  scales: ReadonlyArray<number>,
  ratios: ReadonlyArray<number>,
): Float32Array {
  const out = new Float32Array(ratios.length * scales.length * 4)
  let k = 0
  for (const ratio of ratios) {
    for (const scale of scales) {
      // Square side stride x scale; ratio = height / width at constant area.
      const side = stride * scale
      const w = side / Math.sqrt(ratio)
      const h = side * Math.sqrt(ratio)
      out[k++] = -w / 2
      out[k++] = -h / 2
      out[k++] = w / 2
      out[k++] = h / 2
    }
  }
  return out
}

/** Every anchor of a [height, width] feature map, ordered (y, x, a) like an NHWC head output; input px,
 * centred on each cell's centre ((x + 0.5) x stride). */
export function gridAnchors(
  featureHeight: number,
  featureWidth: number,
  options: { readonly stride: number; readonly scales: ReadonlyArray<number>; readonly ratios: ReadonlyArray<number> },
): Float32Array {
  const cell = cellAnchors(options.stride, options.scales, options.ratios)
  const a = cell.length / 4
  const out = new Float32Array(featureHeight * featureWidth * a * 4)
  let k = 0
  for (let y = 0; y < featureHeight; y++) {
    const cy = (y + 0.5) * options.stride
    for (let x = 0; x < featureWidth; x++) {
      const cx = (x + 0.5) * options.stride
      for (let i = 0; i < a; i++) {
        out[k++] = cell[4 * i] + cx
        out[k++] = cell[4 * i + 1] + cy
        out[k++] = cell[4 * i + 2] + cx
        out[k++] = cell[4 * i + 3] + cy
      }
    }
  }
  return out
}
