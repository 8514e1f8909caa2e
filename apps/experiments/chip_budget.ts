import { multiScaleData, sniperConfig } from "./base_config.ts"
import type { Experiment } from "./experiment.ts"

const { chips } = sniperConfig

/**
 * Chip size and number of scales against accuracy and pixels: 96, 128 and 192 px chips at SNIPER's three scales
 * (the coarsest fits the image to the chip), and 128 px chips without the 2x scale; the same number of chips
 * each, so the pixels differ.
 */
export const chipBudget: Experiment = {
  name: "chip-budget",
  question: "How do chip size and the number of scales trade accuracy against training pixels?",
  data: multiScaleData,
  arms: [
    {
      name: "chips-96",
      label: "96 px chips, 3 scales",
      config: {
        ...sniperConfig,
        chips: { ...chips, chipSize: 96, scales: [{ factor: 2 }, { factor: 1 }, { short: -1, long: 96 }], stride: 16 },
      },
    },
    { name: "chips-128", label: "128 px chips, 3 scales", config: sniperConfig },
    {
      name: "chips-192",
      label: "192 px chips, 3 scales",
      config: {
        ...sniperConfig,
        chips: { ...chips, chipSize: 192, scales: [{ factor: 2 }, { factor: 1 }, { short: -1, long: 192 }] },
      },
    },
    {
      name: "chips-128-no-2x",
      label: "128 px chips, 1x + 128 px",
      config: {
        ...sniperConfig,
        chips: {
          ...chips,
          scales: [{ factor: 1 }, { short: -1, long: 128 }],
          validRanges: [
            [-1, 96],
            [80, -1],
          ],
        },
      },
    },
  ],
  budget: { unit: "chips", like: "chips-128", epochs: 7 },
  decayAt: 0.8,
  seeds: 3,
}
