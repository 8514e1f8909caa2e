import type { Dataset, Detections } from "@sniper/coco-io"
import { Effect } from "effect"
import { UnknownProposalImage } from "./errors.ts"

/**
 * Proposals of a data set grouped by image row: boxes xywh in original px (as a COCO results file), those of
 * image row i at rows [start[i], start[i + 1]). Computed once (docs/sniper.md section 3), reused every epoch.
 */
export interface Proposals {
  readonly source: string
  readonly start: Int32Array
  readonly bbox: Float64Array
}

/** Groups detections read with coco-io's `readDetections` (which refuses unknown image ids) by image row. */
export function proposalsFromDetections(dataset: Dataset, detections: Detections, source: string): Proposals {
  return group(dataset.images.count, detections.image, detections.bbox, source)
}

/**
 * Groups proposal arrays keyed by COCO image id (`bbox` xywh, 4 numbers a proposal); fails with
 * `UnknownProposalImage` on the first id the data set does not have.
 */
export const proposalsByImageId = Effect.fn("proposalsByImageId")(function* (
  dataset: Dataset,
  proposals: { readonly imageId: ArrayLike<number>; readonly bbox: Float64Array; readonly source: string },
) {
  const n = proposals.imageId.length
  if (proposals.bbox.length !== 4 * n) {
    throw new RangeError(
      `Cannot group proposals: bbox must hold 4 numbers per image id (${4 * n}), current value is ${proposals.bbox.length}`,
    )
  }
  const rows = new Int32Array(n)
  for (let k = 0; k < n; k++) {
    rows[k] = dataset.imageRow(proposals.imageId[k])
    if (rows[k] < 0) {
      return yield* new UnknownProposalImage({
        source: proposals.source,
        imageId: proposals.imageId[k],
        dataset: dataset.source,
      })
    }
  }
  return group(dataset.images.count, rows, proposals.bbox, proposals.source)
})

function group(images: number, rows: Int32Array, bbox: Float64Array, source: string): Proposals {
  const start = new Int32Array(images + 1)
  for (const r of rows) start[r + 1]++
  for (let i = 0; i < images; i++) start[i + 1] += start[i]
  const next = start.slice(0, images)
  const out = new Float64Array(bbox.length)
  for (let k = 0; k < rows.length; k++) {
    const at = next[rows[k]]++
    out.set(bbox.subarray(4 * k, 4 * k + 4), 4 * at)
  }
  return { source, start, bbox: out }
}
