import { Prng } from "@sniper/random"
import type { ChipConfig } from "./config.ts"

// Key that separates the stride draw from the per-image streams of the same (seed, epoch).
const strideKey = 0x57_72_1d

/**
 * The grid stride of an epoch in scaled px: the configured number, or for `"random"` an integer in 56..59
 * drawn from (seed, epoch), as the reference redraws `np.random.randint(56, 60)` at every epoch.
 */
export function chipStride(config: ChipConfig, options: { readonly seed: number; readonly epoch: number }): number {
  if (config.stride !== "random") return config.stride
  return new Prng([options.seed, options.epoch, strideKey]).int(56, 59)
}
