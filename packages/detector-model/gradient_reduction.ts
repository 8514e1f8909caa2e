import type { BatchStatistics, PassGradients, PassLosses, TargetCounts } from "./pass_gradients.ts"

/** A step's passes reduced to one update: chip-weighted mean losses and gradients, summed counts, and every
 * pass's batch-norm statistics in pass order. */
export interface ReducedStep {
  readonly losses: PassLosses
  readonly counts: TargetCounts
  /** In `detector.params.trainable` order; undefined where no pass reached the variable. */
  readonly gradients: ReadonlyArray<Float32Array | undefined>
  readonly statistics: ReadonlyArray<ReadonlyArray<BatchStatistics>>
}

/**
 * The reduction of a step's passes, fed in any order and folded in pass-index order, so its bits depend only on
 * the passes, never on which worker finished first or how many there were. Each gradient is the chip-weighted
 * sum, accumulated in float64 in pass order and rounded to float32 once at the end (one pass gives its own
 * gradient back exactly). Results that arrive early wait in memory until the passes before them are in.
 */
export class GradientReduction {
  readonly #sizes: ReadonlyArray<number>
  readonly #passes: number
  readonly #chips: number
  readonly #waiting = new Map<number, PassGradients>()
  readonly #sums: Array<Float64Array | undefined>
  readonly #statistics: Array<ReadonlyArray<BatchStatistics>> = []
  #next = 0
  #chipsIn = 0
  #losses = { total: 0, rpnClass: 0, rpnBox: 0, roiClass: 0, roiBox: 0 }
  #counts = { rpnFg: 0, rpnBg: 0, rois: 0, roiFg: 0 }

  /** `sizes`: element count of each trainable variable; `passes` and `chips`: of the whole step. */
  constructor(options: { readonly sizes: ReadonlyArray<number>; readonly passes: number; readonly chips: number }) {
    this.#sizes = options.sizes
    this.#passes = options.passes
    this.#chips = options.chips
    this.#sums = options.sizes.map(() => undefined)
  }

  /** True once every pass is folded in. */
  get complete(): boolean {
    return this.#next === this.#passes
  }

  /** Takes pass `index`'s result; folds it and any waiting successors when all passes before it are in. */
  add(index: number, pass: PassGradients): void {
    if (!Number.isInteger(index) || index < this.#next || index >= this.#passes || this.#waiting.has(index))
      throw new RangeError(
        `Cannot reduce gradients: pass index must be a new index below ${this.#passes}, current value is ${index}`,
      )
    if (pass.gradients.length !== this.#sizes.length)
      throw new RangeError(
        `Cannot reduce gradients: expected ${this.#sizes.length} gradients, current value is ${pass.gradients.length}`,
      )
    pass.gradients.forEach((g, i) => {
      if (g !== undefined && g.length !== this.#sizes[i])
        throw new RangeError(
          `Cannot reduce gradients: gradient ${i} must have ${this.#sizes[i]} values, current value is ${g.length}`,
        )
    })
    this.#waiting.set(index, pass)
    for (let next = this.#waiting.get(this.#next); next !== undefined; next = this.#waiting.get(this.#next)) {
      this.#waiting.delete(this.#next)
      this.#fold(next)
      this.#next++
    }
  }

  #fold(pass: PassGradients): void {
    const weight = pass.chips / this.#chips
    this.#chipsIn += pass.chips
    const losses = this.#losses
    for (const k of Object.keys(losses) as Array<keyof PassLosses>) losses[k] += weight * pass.losses[k]
    for (const k of Object.keys(this.#counts) as Array<keyof TargetCounts>) this.#counts[k] += pass.counts[k]
    pass.gradients.forEach((g, i) => {
      if (g === undefined) return
      let sum = this.#sums[i]
      if (sum === undefined) {
        sum = new Float64Array(g.length)
        this.#sums[i] = sum
      }
      for (let j = 0; j < g.length; j++) sum[j] += weight * g[j]
    })
    this.#statistics.push(pass.statistics)
  }

  /** The reduced step; every pass must be in and their chips must add up to the step's. */
  result(): ReducedStep {
    if (!this.complete)
      throw new RangeError(
        `Cannot finish the reduction: ${this.#passes - this.#next} of ${this.#passes} passes missing, current value is ${this.#next} folded`,
      )
    if (this.#chipsIn !== this.#chips)
      throw new RangeError(
        `Cannot finish the reduction: passes must cover the step's ${this.#chips} chips, current value is ${this.#chipsIn}`,
      )
    return {
      losses: { ...this.#losses },
      counts: { ...this.#counts },
      gradients: this.#sums.map((s) => (s === undefined ? undefined : Float32Array.from(s))),
      statistics: [...this.#statistics],
    }
  }
}
