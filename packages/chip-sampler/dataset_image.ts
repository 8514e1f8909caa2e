import type { Dataset } from "@sniper/coco-io"
import type { Mode } from "./config.ts"
import { imageBoxes } from "./image_boxes.ts"
import type { Proposals } from "./proposals.ts"
import type { ImageBoxes } from "./types.ts"

/** The boxes of data-set image row `row` (and its proposals) in the sampler's frame; see `imageBoxes`. */
export function datasetImage(
  dataset: Dataset,
  row: number,
  options: { readonly mode: Mode; readonly flip?: boolean; readonly proposals?: Proposals | undefined },
): ImageBoxes {
  const a = dataset.annotations
  const first = dataset.imageStart[row]
  const end = dataset.imageStart[row + 1]
  const p = options.proposals
  return imageBoxes(
    {
      id: dataset.images.id[row],
      width: dataset.images.width[row],
      height: dataset.images.height[row],
      bbox: a.bbox.subarray(4 * first, 4 * end),
      area: a.area.subarray(first, end),
      category: a.category.subarray(first, end),
      crowd: a.iscrowd.subarray(first, end),
      proposals: p === undefined ? undefined : p.bbox.subarray(4 * p.start[row], 4 * p.start[row + 1]),
    },
    { mode: options.mode, flip: options.flip ?? false },
  )
}
