/** Test-only: mean over classes of VOC-style all-point AP at IoU 0.5, by greedy score-ordered matching. */
import { iouMatrix } from "@sniper/boxes"
import type { ChipTruth } from "./chip_truth.ts"
import type { Detections } from "./detect.ts"

export function meanAp50(detections: ReadonlyArray<Detections>, truths: ReadonlyArray<ChipTruth>): number {
  const classes = new Set<number>()
  for (const t of truths) for (const c of t.classes) classes.add(c)
  let sum = 0
  for (const cls of classes) {
    const dets: Array<{ score: number; chip: number; box: Float32Array }> = []
    detections.forEach((d, chip) => {
      for (let i = 0; i < d.count; i++)
        if (d.classes[i] === cls) dets.push({ score: d.scores[i], chip, box: d.boxes.slice(4 * i, 4 * i + 4) })
    })
    dets.sort((a, b) => b.score - a.score)
    const used = truths.map((t) => new Uint8Array(t.classes.length))
    let gtCount = 0
    for (const t of truths) for (const c of t.classes) if (c === cls) gtCount++
    let tp = 0
    const precision: Array<number> = []
    const recall: Array<number> = []
    dets.forEach((d, k) => {
      const t = truths[d.chip]
      const iou = iouMatrix(d.box, t.boxes)
      let best = -1
      let bestIou = 0.5
      for (let j = 0; j < t.classes.length; j++)
        if (t.classes[j] === cls && !used[d.chip][j] && iou[j] >= bestIou) {
          best = j
          bestIou = iou[j]
        }
      if (best >= 0) {
        used[d.chip][best] = 1
        tp++
      }
      precision.push(tp / (k + 1))
      recall.push(tp / gtCount)
    })
    let ap = 0
    let prevRecall = 0
    for (let k = 0; k < precision.length; k++) {
      const maxPrecision = Math.max(...precision.slice(k))
      ap += (recall[k] - prevRecall) * maxPrecision
      prevRecall = recall[k]
    }
    sum += ap
  }
  return sum / classes.size
}
