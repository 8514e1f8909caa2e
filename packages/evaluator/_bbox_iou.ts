/**
 * IoU as pycocotools' `bbIou` (maskApi.c) computes it, on xywh boxes, kept apart from @sniper/boxes' `iouMatrix` on
 * purpose: (1) the arithmetic is bbIou's own (right edge x + w, areas w * h from the xywh numbers), so every value
 * equals pycocotools' to the last bit and thresholds such as IoU = 0.5 fall the same way (xyxy areas
 * (x2 - x1) * (y2 - y1) round differently); (2) the evaluator calls it for ~10^5 (image, category) pairs, so it reads
 * rows through index lists into one reused buffer instead of allocating a matrix each time.
 * Crowd ground truth uses intersection over the detection's area.
 */

/** One pair: detection (dx, dy, dw, dh) against ground truth (gx, gy, gw, gh). */
export function bboxIou(d: ArrayLike<number>, di: number, g: ArrayLike<number>, gi: number, crowd: boolean): number {
  const dx = d[di],
    dy = d[di + 1],
    dw = d[di + 2],
    dh = d[di + 3]
  const gx = g[gi],
    gy = g[gi + 1],
    gw = g[gi + 2],
    gh = g[gi + 3]
  const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx)
  if (w <= 0) return 0
  const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy)
  if (h <= 0) return 0
  const i = w * h
  const da = dw * dh
  return i / (crowd ? da : da + gw * gh - i)
}

/** Fills out[d * gtCount + g] for the detection rows dtRows[0..dtCount) and ground-truth rows gtRows[0..gtCount). */
export function bboxIouInto(
  dtBox: Float64Array,
  gtBox: Float64Array,
  options: {
    readonly dtRows: Int32Array
    readonly dtCount: number
    readonly gtRows: Int32Array
    readonly gtCount: number
    readonly iscrowd: Uint8Array
    readonly out: Float64Array
  },
): void {
  const { dtRows, dtCount, gtRows, gtCount, iscrowd, out } = options
  for (let d = 0; d < dtCount; d++) {
    const di = dtRows[d] * 4
    for (let g = 0; g < gtCount; g++) {
      const row = gtRows[g]
      out[d * gtCount + g] = bboxIou(dtBox, di, gtBox, row * 4, iscrowd[row] !== 0)
    }
  }
}
