import { Prng } from "@sniper/random"

/** One forward/backward pass of a step: chips [start, end) of the batch and the key of its own random stream. */
export interface PlannedPass {
  readonly index: number
  readonly start: number
  readonly end: number
  readonly key: number
}

/**
 * The passes of a batch of `chips` chips, `chipsPerPass` at a time (default: one pass). Each pass's key is one
 * draw of the step's stream `prng`, all drawn before any pass runs: a pass samples anchors and RoIs from its own
 * stream (see passPrng), which depends on the step and the pass index, never on what another pass drew or on
 * which worker ran it.
 */
export function planPasses(
  chips: number,
  options: { readonly chipsPerPass?: number | undefined; readonly prng: () => number },
): Array<PlannedPass> {
  if (!Number.isInteger(chips) || chips < 1)
    throw new RangeError(`Cannot train: a batch needs at least one chip, current value is ${chips}`)
  const perPass = options.chipsPerPass ?? chips
  if (!Number.isInteger(perPass) || perPass < 1)
    throw new RangeError(`Cannot train: chipsPerPass must be a positive integer, current value is ${perPass}`)
  const passes: Array<PlannedPass> = []
  for (let start = 0; start < chips; start += perPass) {
    const key = Math.floor(options.prng() * 2 ** 32)
    passes.push({ index: passes.length, start, end: Math.min(chips, start + perPass), key })
  }
  return passes
}

/** The random stream of a planned pass (uniform in [0, 1)). */
export function passPrng(pass: PlannedPass): () => number {
  return new Prng([pass.key]).asFunction()
}
