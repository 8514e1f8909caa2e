/**
 * What every experiment shares: the multi-scale synthetic data set, the demo's small detector and optimizer, and
 * SNIPER's chips scaled to the data set's image sizes. Arms are small diffs of `sniperConfig`.
 */
import { demoConfig, type TrainConfig } from "@sniper/trainer"
import type { SynthRecipe } from "./experiment.ts"

/**
 * 250 images of 160..256 px (long side): 100 to train on, the last 150 for val; objects from 6 px to most of the
 * image (coco-io's synthetic shapes). Small enough that a whole-image pyramid arm trains for a few epochs in
 * minutes on a CPU.
 */
export const multiScaleData: SynthRecipe = { images: 250, seed: 11, valFraction: 0.6, longSide: [160, 256] }

const { everyEpochs: _, ...test } = demoConfig.test

/**
 * SNIPER on `multiScaleData`: the demo's configuration, whose data set has the same image sizes. 128 px chips at
 * 2x (small objects upsampled, as SNIPER's 3x on COCO), 1x and 0.5x (where every image fits one chip); valid
 * ranges in original px [0, 32), [24, 96), [80, inf); the reference's rules with a fixed stride of 32. Tested at
 * three whole-image scales (long side 416, 208 and 104 px: 2x, 1x and 0.5x of the mean image) with overlapping
 * ranges, merged by Soft-NMS, the same for every arm; no learning curve (one evaluation an arm).
 */
export const sniperConfig: TrainConfig = {
  ...demoConfig,
  name: "sniper",
  epochs: 1,
  checkpointEvery: 100,
  logEvery: 20,
  test,
}
