/** What `sniper detect` reports: progress lines, the ground truth of the images it ran, the per-category table. */
import type { Dataset } from "@sniper/coco-io"
import { type CategoryAp, type EvalDetections, type EvalGroundTruth, formatFixed3 } from "@sniper/evaluator"

/** A duration for people: "42 s", "3 min 05 s", "2 h 07 min". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`
}

/** "12/40 images, 2.5 images/s, ETA 11 s" after `done` of `total` images in `seconds`. */
export function progressLine(done: number, total: number, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0
  const eta = done >= total ? "done" : rate > 0 ? `ETA ${formatSeconds((total - done) / rate)}` : "ETA unknown"
  return `${done}/${total} images, ${rate.toFixed(rate < 10 ? 2 : 1)} images/s, ${eta}`
}

/**
 * The ground truth of the images that were run (as pycocotools' `params.imgIds`): an image left out or skipped
 * must not count its objects as missed. Detections' image rows are re-indexed to the subset.
 */
export function groundTruthOf(
  dataset: Dataset,
  rows: ReadonlyArray<number>,
  detections: EvalDetections,
): { readonly groundTruth: EvalGroundTruth; readonly detections: EvalDetections } {
  const kept = [...new Set(rows)].sort((a, b) => a - b)
  const subsetRow = new Int32Array(dataset.images.count).fill(-1)
  kept.forEach((row, i) => {
    subsetRow[row] = i
  })
  const { imageStart, annotations: a } = dataset
  const count = kept.reduce((n, row) => n + imageStart[row + 1] - imageStart[row], 0)
  const annotations = {
    count,
    image: new Int32Array(count),
    category: new Int32Array(count),
    bbox: new Float64Array(4 * count),
    area: new Float64Array(count),
    iscrowd: new Uint8Array(count),
  }
  let at = 0
  for (const [i, row] of kept.entries()) {
    const [from, to] = [imageStart[row], imageStart[row + 1]]
    annotations.image.fill(i, at, at + to - from)
    annotations.category.set(a.category.subarray(from, to), at)
    annotations.bbox.set(a.bbox.subarray(4 * from, 4 * to), 4 * at)
    annotations.area.set(a.area.subarray(from, to), at)
    annotations.iscrowd.set(a.iscrowd.subarray(from, to), at)
    at += to - from
  }
  const image = detections.image.map((row) => subsetRow[row])
  if (image.some((row) => row < 0)) {
    throw new RangeError("Cannot cut the ground truth: every detection's image must be among the rows run")
  }
  return {
    groundTruth: {
      images: { count: kept.length, id: Float64Array.from(kept, (row) => dataset.images.id[row]) },
      categories: dataset.categories,
      annotations,
    },
    detections: { ...detections, image },
  }
}

/** A Markdown table of per-category AP, AP50, AP75 (pycocotools' rounding; "-" for a category without objects). */
export function perCategoryTable(perCategory: ReadonlyArray<CategoryAp>, options: { readonly images: number }): string {
  const value = (x: number) => (x < 0 ? "-" : formatFixed3(x))
  const cell = (name: string) => name.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|")
  return [
    "# Per-category AP",
    "",
    `COCO bbox AP over the ${options.images} images run (area all, 100 detections per image); "-" where they hold no object of the category.`,
    "",
    "| category | id | AP | AP50 | AP75 |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...perCategory.map((c) => `| ${cell(c.name)} | ${c.id} | ${value(c.ap)} | ${value(c.ap50)} | ${value(c.ap75)} |`),
    "",
  ].join("\n")
}
