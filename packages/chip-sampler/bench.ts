/**
 * Chip generation speed (JSON lines): the val2017-sized file (or a generated one like it when the real-data folder is
 * absent), positive chips only and with 300 synthetic proposals per image, against the naive greedy cover
 * (full containment matrix, recount per pick) in the same run. Run: npm run bench -w @sniper/chip-sampler
 */
import { loadDataset } from "@sniper/coco-io"
import { Prng } from "@sniper/random"
import { sharedData } from "@sniper/testing"
import { Effect, Result } from "effect"
import { naiveGreedyCover } from "./_naive_cover.ts"
import type { ChipConfig } from "./config.ts"
import { chipConfig } from "./config.ts"
import { datasetImage } from "./dataset_image.ts"
import { imageBoxes } from "./image_boxes.ts"
import { chipImage } from "./image_chips.ts"
import type { ImageBoxes } from "./types.ts"

const file = sharedData("coco/annotations/instances_val2017_resampled.json")

/** 5000 images of COCO-like sizes with 7 boxes each on average, log-uniform sizes (when the real file is absent). */
function generated(): Array<ImageBoxes> {
  const rng = new Prng([2017])
  return Array.from({ length: 5000 }, (_, id) => {
    const [width, height] = rng.next() < 0.7 ? [640, rng.int(360, 480)] : [rng.int(360, 480), 640]
    const n = rng.int(1, 13)
    const bbox = new Float64Array(4 * n)
    for (let j = 0; j < n; j++) {
      const w = Math.exp(Math.log(4) + rng.next() * Math.log(width / 4))
      const h = Math.exp(Math.log(4) + rng.next() * Math.log(height / 4))
      bbox.set([rng.next() * (width - w), rng.next() * (height - h), w, h], 4 * j)
    }
    const image = { id, width, height, bbox, category: new Int32Array(n), crowd: new Uint8Array(n) }
    return imageBoxes(image, { mode: "reference" })
  })
}

/** 300 random proposals (xyxy inclusive, original px) per image, seeded by the image id. */
function withProposals(image: ImageBoxes): ImageBoxes {
  const rng = new Prng([300, image.id])
  const p = new Float64Array(4 * 300)
  for (let k = 0; k < 300; k++) {
    const w = Math.exp(Math.log(8) + rng.next() * Math.log(image.width / 8))
    const h = Math.exp(Math.log(8) + rng.next() * Math.log(image.height / 8))
    const x = rng.next() * (image.width - w)
    const y = rng.next() * (image.height - h)
    p.set([x, y, x + w - 1, y + h - 1], 4 * k)
  }
  return { ...image, proposals: p }
}

function run(images: ReadonlyArray<ImageBoxes>, config: ChipConfig, naive: boolean) {
  let chips = 0
  const cover = naive ? naiveGreedyCover : undefined
  const t0 = performance.now()
  for (const image of images) {
    const out = chipImage(image, config, { seed: 1, epoch: 0, cover })
    chips += out.positives.length + out.negatives.length
  }
  return { ms: performance.now() - t0, chips }
}

const program = Effect.gen(function* () {
  const t0 = performance.now()
  const source = file ?? "generated"
  let images: Array<ImageBoxes>
  if (file !== undefined) {
    const dataset = yield* loadDataset(file)
    images = Array.from({ length: dataset.images.count }, (_, row) => datasetImage(dataset, row, { mode: "reference" }))
  } else {
    images = generated()
  }
  const loadMs = performance.now() - t0
  // A fixed stride for each mode: the reference's random ones are 56..59.
  const strides = { reference: 57, paper: 32 } as const
  for (const mode of ["reference", "paper"] as const) {
    const config = Result.getOrThrow(chipConfig({ mode, stride: strides[mode] }))
    for (const [name, set, naiveCount] of [
      ["positive", images, images.length],
      ["proposals300", images.map(withProposals), 200],
    ] as const) {
      const cold = run(set, config, false) // the first pass includes JIT warm-up (what a CLI run pays)
      const fast = run(set, config, false)
      const naive = run(set.slice(0, naiveCount), config, true)
      const check = run(set.slice(0, naiveCount), config, false)
      const perSecond = (set.length / fast.ms) * 1000
      const baselinePerSecond = (naiveCount / naive.ms) * 1000
      console.log(
        JSON.stringify({
          bench: `chips-${name}`,
          mode,
          source,
          images: set.length,
          coldMs: round(cold.ms),
          ms: round(fast.ms),
          imagesPerSecond: round(perSecond),
          chipsPerImage: round(fast.chips / set.length),
          baselineImages: naiveCount,
          baselineMs: round(naive.ms),
          baselineImagesPerSecond: round(baselinePerSecond),
          ratio: round(perSecond / baselinePerSecond),
          sameChips: check.chips === naive.chips,
          loadMs: round(loadMs),
        }),
      )
    }
  }
})

function round(x: number): number {
  return Math.round(x * 100) / 100
}

Effect.runPromise(program)
