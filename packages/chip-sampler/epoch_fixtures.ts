import type { Dataset } from "@sniper/coco-io"
import { Prng } from "@sniper/random"
import { Effect } from "effect"
import { testDataset } from "./_test_dataset.ts"
import { type Proposals, proposalsByImageId } from "./proposals.ts"

/**
 * A generated data set for pinning an epoch's chips: `images` images of COCO-like sizes, 1-14 boxes each with
 * log-uniform sizes (some fractional, some crowds, a few touching the border), 5 categories, and 120 proposals
 * an image (xywh), all from `seed`.
 */
export function generatedDataset(
  seed: number,
  images: number,
): { readonly dataset: Dataset; readonly proposals: Proposals } {
  const rng = new Prng([seed])
  const shapes: Array<readonly [number, number, number]> = []
  const annotations: Array<readonly [number, number, number, number, number, number, number]> = []
  const proposalBoxes: Array<number> = []
  const proposalImages: Array<number> = []
  for (let k = 0; k < images; k++) {
    const id = 100 + k
    const [width, height] = rng.next() < 0.6 ? [640, rng.int(360, 480)] : [rng.int(300, 480), 640]
    shapes.push([id, width, height])
    const n = rng.int(1, 14)
    for (let j = 0; j < n; j++) {
      const w = Math.exp(Math.log(3) + rng.next() * Math.log(width / 3))
      const h = Math.exp(Math.log(3) + rng.next() * Math.log(height / 3))
      const x = rng.next() < 0.1 ? -2.5 : rng.next() * (width - w)
      const y = rng.next() * (height - h)
      const crowd = rng.next() < 0.08 ? 1 : 0
      annotations.push([id, x, y, w, h, crowd, rng.int(0, 4)])
    }
    for (let p = 0; p < 120; p++) {
      const w = Math.exp(Math.log(8) + rng.next() * Math.log(width / 8))
      const h = Math.exp(Math.log(8) + rng.next() * Math.log(height / 8))
      proposalBoxes.push(rng.next() * (width - w), rng.next() * (height - h), w, h)
      proposalImages.push(id)
    }
  }
  const dataset = testDataset(shapes, annotations)
  const proposals = Effect.runSync(
    proposalsByImageId(dataset, {
      imageId: proposalImages,
      bbox: Float64Array.from(proposalBoxes),
      source: "generated",
    }),
  )
  return { dataset, proposals }
}
