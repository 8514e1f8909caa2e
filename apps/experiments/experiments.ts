import { chipBudget } from "./chip_budget.ts"
import type { Experiment } from "./experiment.ts"
import { sniperVsPyramid } from "./sniper_vs_pyramid.ts"
import { validRanges } from "./valid_ranges.ts"

/** Every experiment `npm run experiment -- <name>` runs. */
export const experiments: ReadonlyArray<Experiment> = [sniperVsPyramid, validRanges, chipBudget]

export const experimentNames = ["sniper-vs-pyramid", "valid-ranges", "chip-budget"] as const
