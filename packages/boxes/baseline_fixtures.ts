/**
 * Straightforward array-of-objects implementations: the oracle for property tests and the baseline the
 * benchmark's ratios are measured against. Written for clarity, not speed.
 */
export interface Det {
  readonly x1: number
  readonly y1: number
  readonly x2: number
  readonly y2: number
  score: number
  readonly index: number
}

export function toDets(boxes: ArrayLike<number>, scores?: ArrayLike<number>): Det[] {
  const dets: Det[] = []
  for (let i = 0; 4 * i < boxes.length; i++) {
    dets.push({
      x1: boxes[4 * i],
      y1: boxes[4 * i + 1],
      x2: boxes[4 * i + 2],
      y2: boxes[4 * i + 3],
      score: scores === undefined ? 0 : scores[i],
      index: i,
    })
  }
  return dets
}

export function baselineIou(a: Det, b: Det, off = 0): number {
  const area = (d: Det) => Math.max(0, d.x2 - d.x1 + off) * Math.max(0, d.y2 - d.y1 + off)
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + off
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + off
  if (iw <= 0 || ih <= 0) return 0
  const inter = iw * ih
  const union = area(a) + area(b) - inter
  return union > 0 ? inter / union : 0
}

/** IoU matrix of object boxes; a crowd column divides the intersection by the row box's area instead. */
export function baselineIouMatrix(a: Det[], b: Det[], off = 0, crowd?: ArrayLike<boolean | number>): number[][] {
  return a.map((da) =>
    b.map((db, j) => {
      if (!crowd?.[j]) return baselineIou(da, db, off)
      const iw = Math.min(da.x2, db.x2) - Math.max(da.x1, db.x1) + off
      const ih = Math.min(da.y2, db.y2) - Math.max(da.y1, db.y1) + off
      const area = Math.max(0, da.x2 - da.x1 + off) * Math.max(0, da.y2 - da.y1 + off)
      return iw > 0 && ih > 0 && area > 0 ? (iw * ih) / area : 0
    }),
  )
}

/** Textbook greedy NMS: sort by score (ties by index), keep the first, drop all above the threshold, repeat. */
export function baselineNms(dets: Det[], iouThreshold: number, off = 0): number[] {
  let rest = [...dets].sort((a, b) => b.score - a.score || a.index - b.index)
  const keep: number[] = []
  while (rest.length > 0) {
    const top = rest[0]
    keep.push(top.index)
    rest = rest.slice(1).filter((d) => baselineIou(top, d, off) <= iouThreshold)
  }
  return keep
}

/** Textbook Soft-NMS on objects: pick the max (ties by index), decay the rest, drop below the threshold. */
export function baselineSoftNms(
  dets: Det[],
  options: { method: "linear" | "gaussian" | "hard"; sigma: number; iouThreshold: number; scoreThreshold: number },
  off = 0,
): { keep: number[]; scores: number[] } {
  let rest = dets.filter((d) => d.score >= options.scoreThreshold).map((d) => ({ ...d }))
  const keep: number[] = []
  const scores: number[] = []
  while (rest.length > 0) {
    const top = rest.reduce((a, b) => (b.score > a.score || (b.score === a.score && b.index < a.index) ? b : a))
    keep.push(top.index)
    scores.push(top.score)
    rest = rest.filter((d) => d !== top)
    for (const d of rest) {
      const iou = baselineIou(top, d, off)
      if (options.method === "gaussian") {
        if (iou > 0) d.score *= Math.exp(-(iou * iou) / options.sigma)
      } else if (iou > options.iouThreshold) {
        d.score *= options.method === "hard" ? 0 : 1 - iou
      }
    }
    rest = rest.filter((d) => d.score >= options.scoreThreshold)
  }
  return { keep, scores }
}

/** pycocotools' bbIou transcribed on objects (xywh, no +1, crowd gt over the detection's area), same operation order. */
export function baselineCocoIou(dt: Det[], gt: Det[], iscrowd: ArrayLike<boolean | number>): number[][] {
  // Det fields hold x, y, w, h here.
  return dt.map((d) =>
    gt.map((g, j) => {
      const w = Math.min(d.x2 + d.x1, g.x2 + g.x1) - Math.max(d.x1, g.x1)
      if (w <= 0) return 0
      const h = Math.min(d.y2 + d.y1, g.y2 + g.y1) - Math.max(d.y1, g.y1)
      if (h <= 0) return 0
      const i = w * h
      const da = d.x2 * d.y2
      return i / (iscrowd[j] ? da : da + g.x2 * g.y2 - i)
    }),
  )
}
