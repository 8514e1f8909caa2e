import { wholeImageChipSize } from "@sniper/chip-sampler"
import type { Dataset } from "@sniper/coco-io"
import { decodeTrainConfig, type TrainConfig } from "@sniper/trainer"
import type { Arm, Experiment } from "./experiment.ts"
import type { PreparedData } from "./synthetic_data.ts"

/** The training images' sizes, [width, height] in px. */
export function imageSizes(dataset: Dataset): Array<readonly [number, number]> {
  return Array.from({ length: dataset.images.count }, (_, row) => [
    dataset.images.width[row],
    dataset.images.height[row],
  ])
}

/**
 * The configuration one arm trains with for one seed: the arm's, named `experiment/arm`, on the prepared data
 * set, with whole-image chips sized to hold every scaled training image (a multiple of the detector's stride);
 * `epochs` and the learning-rate decay are set later (`withEpochs`), once the budget is known. Decoded by the
 * trainer's own rules.
 */
export const armConfig = (
  experiment: Experiment,
  arm: Arm,
  options: { readonly seed: number; readonly data: PreparedData; readonly trainSet: Dataset },
) => {
  const { seed, data, trainSet } = options
  const { chips, detector } = arm.config
  const { images, valFraction } = data.recipe
  const config: TrainConfig = {
    ...arm.config,
    name: `${experiment.name}/${arm.name}`,
    seed,
    data: { train: data.train, val: data.val, synthetic: { images, seed: data.recipe.seed, valFraction } },
    chips:
      chips.sampling === "whole-image"
        ? {
            ...chips,
            chipSize: wholeImageChipSize(imageSizes(trainSet), {
              scales: chips.scales,
              multiple: detector.anchors.stride,
            }),
          }
        : chips,
  }
  return decodeTrainConfig(config)
}

/** `config` trained for `epochs`, its learning rate dropping after `decayAt` of them. */
export function withEpochs(
  config: TrainConfig,
  options: { readonly epochs: number; readonly decayAt: number },
): TrainConfig {
  const { epochs, decayAt } = options
  // Rounded so that the saved configuration reads 5.6, not 5.6000000000000005.
  const decay = Math.round(decayAt * epochs * 1e6) / 1e6
  return { ...config, epochs, optimizer: { ...config.optimizer, decayEpochs: [decay] } }
}
