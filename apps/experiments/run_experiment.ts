import { join, resolve } from "node:path"
import { loadDataset } from "@sniper/coco-io"
import { renderSvg } from "@sniper/evaluator"
import type { ProgressMode } from "@sniper/trainer"
import { Effect } from "effect"
import type { ArmRecord } from "./arm_record.ts"
import type { Experiment } from "./experiment.ts"
import { readJson, writeJson, writeText } from "./results_files.ts"
import { budgetTarget, runArm } from "./run_arm.ts"
import { type ArmResult, type ExperimentSummary, summarize } from "./summary.ts"
import { apBySizeSpec, apVsPixelsSpec } from "./summary_plots.ts"
import { summaryTable } from "./summary_table.ts"
import { prepareData } from "./synthetic_data.ts"

export interface RunOptions {
  /** The results root: the experiment writes `<out>/<experiment name>/`. */
  readonly out: string
  /** Train seeds 1..seeds (default: the experiment's). */
  readonly seeds?: number | undefined
  readonly progress?: ProgressMode | undefined
}

/** Where arm `arm` of seed `seed` runs: `<experiment folder>/<arm>/seed-<seed>/`. */
export function runDirOf(root: string, run: { readonly arm: string; readonly seed: number }): string {
  return join(root, run.arm, `seed-${run.seed}`)
}

/** Writes summary.json, summary.md, ap_vs_pixels.svg and ap_by_size.svg into the experiment folder. */
export const writeSummary = Effect.fn("writeSummary")(function* (root: string, summary: ExperimentSummary) {
  yield* writeJson(join(root, "summary.json"), summary)
  yield* writeText(join(root, "summary.md"), summaryTable(summary))
  for (const [file, spec] of [
    ["ap_vs_pixels.svg", apVsPixelsSpec(summary)],
    ["ap_by_size.svg", apBySizeSpec(summary)],
  ] as const) {
    yield* renderSvg(spec).pipe(
      Effect.flatMap((svg) => writeText(join(root, file), svg)),
      Effect.catchTag("PlotError", (error) => Effect.logWarning(`${file} not drawn: ${error.message}`)),
    )
  }
})

/**
 * Runs every arm of `experiment` for every seed (seed by seed, so that a stopped experiment has whole seeds to
 * show), each in its own trainer run folder; arms already done are read back, a killed one resumes. The data set
 * is generated once into `data/`. The summary is rewritten after each arm, from every finished run.
 */
export const runExperiment = Effect.fn("runExperiment")(function* (experiment: Experiment, options: RunOptions) {
  const root = join(resolve(options.out), experiment.name)
  const data = yield* prepareData(join(root, "data"), experiment.data)
  const trainSet = yield* loadDataset(data.train.annotations)
  const seeds = options.seeds ?? experiment.seeds
  const results: Array<ArmResult> = []
  let summary = summarize(experiment, results)
  for (let seed = 1; seed <= seeds; seed++) {
    const target = yield* budgetTarget(experiment, seed, { data, trainSet })
    for (const arm of experiment.arms) {
      const runDir = runDirOf(root, { arm: arm.name, seed })
      const record: ArmRecord = yield* runArm({
        experiment,
        arm,
        seed,
        runDir,
        data,
        trainSet,
        target,
        progress: options.progress,
      })
      const metrics = (yield* readJson(join(runDir, "metrics.json"))) as { readonly stats: ReadonlyArray<number> }
      results.push({ stats: metrics.stats, record })
      summary = summarize(experiment, results)
      yield* writeSummary(root, summary)
    }
  }
  yield* Effect.logInfo(`${experiment.name}: summary in ${join(root, "summary.md")}`)
  return { root, summary }
})
