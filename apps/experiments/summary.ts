import type { ArmRecord } from "./arm_record.ts"
import type { Budget, Experiment, SynthRecipe } from "./experiment.ts"

/** Mean and sample standard deviation (n - 1; 0 for one value) over seeds. */
export interface Spread {
  readonly mean: number
  readonly std: number
}

/** The COCO numbers summarized: pycocotools' first six stats, in its order. */
export const apNames = ["AP", "AP50", "AP75", "APs", "APm", "APl"] as const
export type ApName = (typeof apNames)[number]

/** -1 (pycocotools: no ground truth of that size) in any seed makes the summary -1 too. */
export function spread(values: ReadonlyArray<number>): Spread {
  const n = values.length
  if (n === 0) throw new RangeError("Cannot summarize: there must be at least one value, current value is 0")
  if (values.includes(-1)) return { mean: -1, std: 0 }
  const mean = values.reduce((s, v) => s + v, 0) / n
  const squares = values.reduce((s, v) => s + (v - mean) ** 2, 0)
  return { mean, std: n === 1 ? 0 : Math.sqrt(squares / (n - 1)) }
}

/** One finished arm and seed: pycocotools' 12 stats (metrics.json) and the runner's record. */
export interface ArmResult {
  readonly stats: ReadonlyArray<number>
  readonly record: ArmRecord
}

export type ArmSummary = {
  readonly arm: string
  readonly label: string
  readonly seeds: ReadonlyArray<number>
  readonly chipSize: number
} & { readonly [K in ApName]: Spread } & {
  readonly inputPixels: Spread
  readonly imagePixels: Spread
  readonly chips: Spread
  readonly epochs: Spread
  readonly steps: Spread
  readonly wallSeconds: Spread
  /** Input pixels of the RPN stage of negative chips (0 without), apart from the training's. */
  readonly rpnStageInputPixels: Spread
}

export interface ExperimentSummary {
  readonly experiment: string
  readonly question: string
  readonly data: SynthRecipe
  readonly budget: Budget
  readonly arms: ReadonlyArray<ArmSummary>
}

/** Mean and spread per arm, in the experiment's arm order; arms without a finished seed are left out. */
export function summarize(experiment: Experiment, results: ReadonlyArray<ArmResult>): ExperimentSummary {
  const arms: Array<ArmSummary> = []
  for (const arm of experiment.arms) {
    const runs = results.filter((r) => r.record.arm === arm.name).sort((a, b) => a.record.seed - b.record.seed)
    if (runs.length === 0) continue
    const over = (f: (r: ArmResult) => number) => spread(runs.map(f))
    const ap = Object.fromEntries(apNames.map((name, i) => [name, over((r) => r.stats[i])])) as {
      [K in ApName]: Spread
    }
    arms.push({
      arm: arm.name,
      label: arm.label,
      seeds: runs.map((r) => r.record.seed),
      chipSize: runs[0].record.chipSize,
      ...ap,
      inputPixels: over((r) => r.record.training.inputPixels),
      imagePixels: over((r) => r.record.training.imagePixels),
      chips: over((r) => r.record.training.chips),
      epochs: over((r) => r.record.epochs),
      steps: over((r) => r.record.steps),
      wallSeconds: over((r) => r.record.wallSeconds),
      rpnStageInputPixels: over((r) => r.record.rpnStage?.inputPixels ?? 0),
    })
  }
  return {
    experiment: experiment.name,
    question: experiment.question,
    data: experiment.data,
    budget: experiment.budget,
    arms,
  }
}
