/**
 * Reproducible experiments that test SNIPER's claims on a generated multi-scale data set. An experiment is data
 * (the question, the data recipe, arms as whole training configurations, a budget that makes them comparable,
 * seeds); `runExperiment` trains and evaluates every arm and seed into `<out>/<experiment>/<arm>/seed-<n>/` (a
 * trainer run folder each, so a killed experiment resumes and finished arms are kept) and writes summary.json,
 * summary.md, ap_vs_pixels.svg and ap_by_size.svg.
 *
 * ```ts
 * import { quickExperiment, runExperiment, sniperVsPyramid } from "@sniper/experiments"
 * const { summary } = yield* runExperiment(quickExperiment(sniperVsPyramid), { out: "results" })
 * // a variant is a small diff: const longer = { ...sniperVsPyramid, budget: { ...sniperVsPyramid.budget, epochs: 40 } }
 * ```
 * @module
 */
export { armConfig, imageSizes, withEpochs } from "./arm_config.ts"
export { ArmRecord, recordFile } from "./arm_record.ts"
export { multiScaleData, sniperConfig } from "./base_config.ts"
export { epochsFor } from "./budget.ts"
export { chipBudget } from "./chip_budget.ts"
export { ArmUnfinished, BadFlag, ResultsFileError } from "./errors.ts"
export type { Arm, Budget, BudgetUnit, Experiment, SynthRecipe } from "./experiment.ts"
export { experimentNames, experiments } from "./experiments.ts"
export { type ArmPlan, planExperiment } from "./plan_experiment.ts"
export { quickExperiment } from "./quick.ts"
export { type ArmJob, armDone, armSchedule, budgetTarget, epochPixels, readRecord, runArm } from "./run_arm.ts"
export { type RunOptions, runDirOf, runExperiment, writeSummary } from "./run_experiment.ts"
export { sniperVsPyramid } from "./sniper_vs_pyramid.ts"
export {
  type ApName,
  type ArmResult,
  type ArmSummary,
  apNames,
  type ExperimentSummary,
  type Spread,
  spread,
  summarize,
} from "./summary.ts"
export { apBySizeSpec, apVsPixelsSpec } from "./summary_plots.ts"
export { summaryTable } from "./summary_table.ts"
export { type PreparedData, prepareData, type Split } from "./synthetic_data.ts"
export { addPixels, noPixels, type PixelTotals, planPixels, sumPixels } from "./training_pixels.ts"
export { validRanges } from "./valid_ranges.ts"
