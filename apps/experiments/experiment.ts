/**
 * An experiment as data: a question, the synthetic data set it is asked on, the arms that answer it (each a
 * whole training configuration) and the budget that makes the arms comparable.
 */
import type { TrainConfig } from "@sniper/trainer"

/** The generated data set: coco-io's `writeSynthDataset` options (the last `valFraction` of the images are val). */
export interface SynthRecipe {
  readonly images: number
  readonly seed: number
  readonly valFraction: number
  /** Range of the images' long side in px, inclusive. */
  readonly longSide: readonly [min: number, max: number]
}

/** What the budget counts: chips, network input pixels (chips x chipSize²) or image pixels (the chips' windows). */
export type BudgetUnit = "chips" | "inputPixels" | "imagePixels"

/**
 * Every arm trains for as many epochs as bring its total of `unit` closest to what arm `like` has after `epochs`
 * epochs (so arms with cheaper epochs train for more of them).
 */
export interface Budget {
  readonly unit: BudgetUnit
  readonly like: string
  readonly epochs: number
}

/**
 * One way of training. `config` is complete except what the runner sets per run: `name`, `seed`, `data`,
 * `epochs`, the learning-rate decay (at `decayAt` of the epochs) and, for whole-image sampling, `chips.chipSize`
 * (the smallest that holds every scaled training image).
 */
export interface Arm {
  /** Folder name under the experiment's results. */
  readonly name: string
  /** One line for tables and plots. */
  readonly label: string
  readonly config: TrainConfig
}

export interface Experiment {
  readonly name: string
  /** The question, one sentence. */
  readonly question: string
  readonly data: SynthRecipe
  readonly arms: ReadonlyArray<Arm>
  readonly budget: Budget
  /** The learning rate drops (by `optimizer.decayFactor`) after this share of each arm's epochs. */
  readonly decayAt: number
  /** Training seeds 1..seeds unless the command line says otherwise. */
  readonly seeds: number
}
