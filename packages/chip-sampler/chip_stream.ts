import type { Dataset } from "@sniper/coco-io"
import { Effect, Stream } from "effect"
import { chipStride } from "./chip_stride.ts"
import type { ChipConfig } from "./config.ts"
import { datasetImage } from "./dataset_image.ts"
import { BadImageSize } from "./errors.ts"
import { chipImage } from "./image_chips.ts"
import type { Proposals } from "./proposals.ts"
import type { ImageChips } from "./types.ts"

/** Options of `chipStream`: the epoch's seed, proposals for negative chips, horizontally flipped copies. */
export interface ChipStreamOptions {
  readonly config: ChipConfig
  readonly seed: number
  readonly epoch: number
  /** Negative chips are mined when given (the reference's USE_NEG_CHIPS). */
  readonly proposals?: Proposals | undefined
  /** Also yield each image's horizontally flipped copy right after it (docs/sniper.md section 4). Default false. */
  readonly flip?: boolean | undefined
}

/**
 * The chips of every image of `dataset` for one epoch, in image row order (flipped copy after each image when
 * `flip`). Fails with `BadImageSize` before the first element if an image has zero or non-finite size.
 */
export function chipStream(dataset: Dataset, options: ChipStreamOptions): Stream.Stream<ImageChips, BadImageSize> {
  return Stream.unwrap(
    Effect.gen(function* () {
      const { width, height, id } = dataset.images
      for (let row = 0; row < dataset.images.count; row++) {
        for (const [field, v] of [
          ["width", width[row]],
          ["height", height[row]],
        ] as const) {
          if (!(v > 0 && Number.isFinite(v))) {
            return yield* new BadImageSize({
              source: dataset.source,
              imageId: id[row],
              field,
              problem: `must be positive, got ${v}; fix or drop the image record`,
            })
          }
        }
      }
      const { config, seed, epoch, proposals } = options
      const stride = chipStride(config, { seed, epoch })
      const copies = options.flip === true ? 2 : 1
      const negatives = proposals !== undefined
      // Small chunks: a chunk's chips stay alive until folded, and survivors make young-generation GC costly.
      const entries = Stream.range(0, copies * dataset.images.count - 1, 8)
      return entries.pipe(
        Stream.map((entry) => {
          const image = datasetImage(dataset, Math.floor(entry / copies), {
            mode: config.mode,
            flip: entry % copies === 1,
            proposals,
          })
          return chipImage(image, config, { seed, epoch, stride, negatives })
        }),
      )
    }),
  )
}
