import { multiScaleData, sniperConfig } from "./base_config.ts"
import type { Experiment } from "./experiment.ts"

const { chips } = sniperConfig

/**
 * SNIPER against whole-image training (the paper's Table 1 question, asked of this code): one scale, the pyramid
 * of SNIPER's three scales, SNIPER's positive chips, and SNIPER with negative chips, each for the image pixels
 * the pyramid trains on in 4 epochs (the whole-image arms' zero padding costs them time, not budget), all tested
 * alike. SNIPER spends those pixels on the regions where objects are in range, so it trains more epochs.
 */
export const sniperVsPyramid: Experiment = {
  name: "sniper-vs-pyramid",
  question:
    "Does training on chips reach the accuracy of multi-scale training on whole images, for the same or fewer pixels?",
  data: multiScaleData,
  arms: [
    {
      name: "single-scale",
      label: "whole images, 1x",
      config: {
        ...sniperConfig,
        chips: { ...chips, sampling: "whole-image", scales: [{ factor: 1 }], validRanges: [[-1, -1]] },
      },
    },
    {
      name: "pyramid",
      label: "whole images, 2x + 1x + 0.5x",
      config: { ...sniperConfig, chips: { ...chips, sampling: "whole-image" } },
    },
    { name: "sniper", label: "SNIPER, positive chips", config: sniperConfig },
    {
      name: "sniper-negatives",
      label: "SNIPER, positive + negative chips",
      config: { ...sniperConfig, negatives: { rpnEpochs: 2 } },
    },
  ],
  budget: { unit: "imagePixels", like: "pyramid", epochs: 4 },
  decayAt: 0.8,
  seeds: 3,
}
