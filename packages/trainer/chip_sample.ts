import type { Chip } from "@sniper/chip-sampler"

/**
 * The chip's valid proposal area range [lo, hi) in chip px² (docs/sniper.md section 5): its own valid range
 * times its scale, squared; an unbounded low end is 0, an unbounded high end stays unbounded.
 */
export function chipAreaRange(chip: Chip): [number, number] {
  const [lo, hi] = chip.validRange
  return [lo === -1 ? 0 : (lo * chip.scale) ** 2, hi === -1 ? Number.POSITIVE_INFINITY : (hi * chip.scale) ** 2]
}
