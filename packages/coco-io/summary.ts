import type { Dataset } from "./dataset.ts"

/** Counts that describe a loaded dataset (what `sniper dataset` prints). */
export interface DatasetSummary {
  readonly file: string
  readonly images: number
  readonly categories: number
  /** Boxes kept, crowd regions included. */
  readonly annotations: number
  readonly crowd: number
  /** Boxes left out for zero width or height. */
  readonly zeroAreaDropped: number
  readonly imagesWithoutAnnotations: number
  /** Non-crowd boxes per contiguous category index. */
  readonly boxesPerCategory: ReadonlyArray<number>
}

export function summarizeDataset(dataset: Dataset): DatasetSummary {
  const { annotations, images, imageStart } = dataset
  let crowd = 0
  const boxesPerCategory = new Array<number>(dataset.categories.count).fill(0)
  for (let a = 0; a < annotations.count; a++) {
    if (annotations.iscrowd[a] === 1) crowd++
    else boxesPerCategory[annotations.category[a]]++
  }
  let empty = 0
  for (let i = 0; i < images.count; i++) if (imageStart[i + 1] === imageStart[i]) empty++
  return {
    file: dataset.source,
    images: images.count,
    categories: dataset.categories.count,
    annotations: annotations.count,
    crowd,
    zeroAreaDropped: dataset.zeroAreaDropped,
    imagesWithoutAnnotations: empty,
    boxesPerCategory,
  }
}
