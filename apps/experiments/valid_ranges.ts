import { multiScaleData, sniperConfig } from "./base_config.ts"
import type { Experiment } from "./experiment.ts"

/**
 * Scale normalization: SNIPER ignoring the boxes outside each chip's valid range (and the proposals outside it),
 * against the same chips with every box trained. The chips are the same, so the budget is the same epochs.
 */
export const validRanges: Experiment = {
  name: "valid-ranges",
  question: "Does ignoring the boxes outside each scale's valid range (scale normalization) help?",
  data: multiScaleData,
  arms: [
    { name: "sniper", label: "SNIPER, out-of-range boxes ignored", config: sniperConfig },
    {
      name: "no-ignore",
      label: "SNIPER chips, every box trained",
      config: { ...sniperConfig, chips: { ...sniperConfig.chips, outOfRange: "valid" } },
    },
  ],
  budget: { unit: "chips", like: "sniper", epochs: 7 },
  decayAt: 0.8,
  seeds: 3,
}
