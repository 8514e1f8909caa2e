/** What the learning rate depends on: the recipe and the number of steps an epoch has. */
export interface ScheduleOptions {
  readonly learningRate: number
  readonly warmupSteps: number
  readonly warmupFactor: number
  readonly decayEpochs: ReadonlyArray<number>
  readonly decayFactor: number
  readonly stepsPerEpoch: number
}

/**
 * The learning rate of (0-based) step `step`: linear warm-up from rate x warmupFactor to the rate over the first
 * warmupSteps steps, then x decayFactor after each decay epoch (steps counted as epoch x stepsPerEpoch, as the
 * reference turns its epoch 5.33 into an iteration).
 */
export function learningRateAt(step: number, options: ScheduleOptions): number {
  const { learningRate, warmupSteps, warmupFactor, decayEpochs, decayFactor, stepsPerEpoch } = options
  let rate = learningRate
  for (const epoch of decayEpochs) if (step >= Math.round(epoch * stepsPerEpoch)) rate *= decayFactor
  if (step < warmupSteps) {
    const t = step / warmupSteps
    return rate * (warmupFactor + (1 - warmupFactor) * t)
  }
  return rate
}
