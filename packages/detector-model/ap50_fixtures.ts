/** Test-only: mean over classes of VOC-style all-point AP at IoU 0.5, by greedy score-ordered matching. */

import type { ChipTruth } from "@sniper/boxes"
import { iouMatrix } from "@sniper/boxes"
import { classOfCategory } from "./chip_truth.ts"
import type { Detections } from "./detect.ts"

export function meanAp50(detections: ReadonlyArray<Detections>, truths: ReadonlyArray<ChipTruth>): number {
  const categories = new Set<number>()
  for (const t of truths) for (const c of t.category) categories.add(c)
  let sum = 0
  for (const category of categories) {
    // Detections are in the classifier's classes (0 = background).
    const cls = classOfCategory(category)
    const dets: Array<{ score: number; chip: number; box: Float32Array }> = []
    detections.forEach((d, chip) => {
      for (let i = 0; i < d.count; i++)
        if (d.categories[i] + 1 === cls) dets.push({ score: d.scores[i], chip, box: d.boxes.slice(4 * i, 4 * i + 4) })
    })
    dets.sort((a, b) => b.score - a.score)
    const used = truths.map((t) => new Uint8Array(t.category.length))
    let gtCount = 0
    for (const t of truths) for (const c of t.category) if (c === category) gtCount++
    let tp = 0
    const precision: Array<number> = []
    const recall: Array<number> = []
    dets.forEach((d, k) => {
      const t = truths[d.chip]
      const iou = iouMatrix(d.box, t.boxes)
      let best = -1
      let bestIou = 0.5
      for (let j = 0; j < t.category.length; j++)
        if (t.category[j] === category && !used[d.chip][j] && iou[j] >= bestIou) {
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
  return sum / categories.size
}
