import type { ValidRange } from "@sniper/boxes"
import { Result } from "effect"
import { InvalidChipConfig } from "./errors.ts"
import { scaleOf } from "./image_scales.ts"
import type { ChipConfig, Mode, ScaleSpec } from "./types.ts"

/** COCO's scales in factor form: 3x, 1.667x, and the long side fitted to 512 px (finest first). */
export const factorScales: ReadonlyArray<ScaleSpec> = [{ factor: 3 }, { factor: 1.667 }, { short: -1, long: 512 }]
/** The reference config's resolution form: (1400, 2000), (800, 1280), (-1, 512). */
export const resolutionScales: ReadonlyArray<ScaleSpec> = [
  { short: 1400, long: 2000 },
  { short: 800, long: 1280 },
  { short: -1, long: 512 },
]
/** Training valid ranges on box size in original px: [0, 80), [32, 150), [120, inf). */
export const cocoValidRanges: ReadonlyArray<ValidRange> = [
  [-1, 80],
  [32, 150],
  [120, -1],
]

/** The defaults of a mode (SNIPER.md section 0): reference strides 56..59 and drops crowds; paper: 32, ignores. */
export function defaultChipConfig(mode: Mode): ChipConfig {
  return {
    mode,
    scales: factorScales,
    validRanges: cocoValidRanges,
    chipSize: 512,
    stride: mode === "reference" ? "random" : 32,
    negativesPerImage: 2,
    minProposals: { finest: 25, others: 10 },
    maxBoxesPerChip: 100,
    minBoxSide: 10,
    crowd: mode === "reference" ? "drop" : "ignore",
  }
}

/** Options of `chipConfig`: any field of `ChipConfig`; the rest from the mode's defaults. */
export type ChipConfigOptions = Partial<ChipConfig>

// Image shapes on which the scale order is checked (resolution-form scales depend on the image).
const probeShapes: ReadonlyArray<readonly [number, number]> = [
  [640, 480],
  [480, 640],
  [1000, 1000],
]

/**
 * A checked configuration: scales finest first (checked on 640x480, 480x640 and 1000x1000 images), one valid
 * range a scale, ranges that rise with no gap from 0 to unbounded, chip size above stride + 1.
 */
export function chipConfig(options: ChipConfigOptions = {}): Result.Result<ChipConfig, InvalidChipConfig> {
  const config: ChipConfig = { ...defaultChipConfig(options.mode ?? "reference"), ...options }
  const problem = findProblem(config)
  return problem === undefined
    ? Result.succeed(config)
    : Result.fail(new InvalidChipConfig({ field: problem[0], problem: problem[1] }))
}

type Problem = readonly [field: string, problem: string] | undefined

function findProblem(c: ChipConfig): Problem {
  if (c.mode !== "reference" && c.mode !== "paper") return ["mode", `must be reference or paper, got ${c.mode}`]
  if (!isPositiveInt(c.chipSize)) return ["chipSize", `must be a positive integer, got ${c.chipSize}`]
  if (c.stride !== "random" && !isPositiveInt(c.stride)) {
    return ["stride", `must be a positive integer or "random", got ${c.stride}`]
  }
  const maxStride = c.stride === "random" ? 59 : c.stride
  if (c.chipSize - maxStride - 1 <= 0) {
    return ["chipSize", `must exceed stride + 1 (${maxStride + 1}) or no box fits a chip, got ${c.chipSize}`]
  }
  if (!isCount(c.negativesPerImage)) return ["negativesPerImage", `must be an integer >= 0, got ${c.negativesPerImage}`]
  if (!isCount(c.minProposals.finest) || !isCount(c.minProposals.others)) {
    return ["minProposals", "must be integers >= 0"]
  }
  if (!isPositiveInt(c.maxBoxesPerChip))
    return ["maxBoxesPerChip", `must be a positive integer, got ${c.maxBoxesPerChip}`]
  if (!(c.minBoxSide >= 0)) return ["minBoxSide", `must be >= 0, got ${c.minBoxSide}`]
  if (c.crowd !== "drop" && c.crowd !== "ignore") return ["crowd", `must be drop or ignore, got ${c.crowd}`]
  return scaleProblem(c.scales) ?? rangeProblem(c.validRanges, c.scales.length)
}

function scaleProblem(scales: ReadonlyArray<ScaleSpec>): Problem {
  if (scales.length === 0) return ["scales", "must list at least one scale"]
  for (const [i, s] of scales.entries()) {
    if ("factor" in s) {
      if (!(Number.isFinite(s.factor) && s.factor > 0)) return [`scales[${i}]`, `factor must be > 0, got ${s.factor}`]
    } else {
      const ok = (v: number) => v === -1 || (Number.isFinite(v) && v > 0)
      if (!ok(s.short) || !ok(s.long) || (s.short === -1 && s.long === -1)) {
        return [`scales[${i}]`, `short and long must be > 0 or -1 (not both), got (${s.short}, ${s.long})`]
      }
    }
  }
  for (const [w, h] of probeShapes) {
    for (let i = 1; i < scales.length; i++) {
      const finer = scaleOf(scales[i - 1], w, h)
      const coarser = scaleOf(scales[i], w, h)
      if (!(coarser < finer)) {
        return ["scales", `must be sorted finest first: on a ${w}x${h} image scale ${i} gives ${coarser} >= ${finer}`]
      }
    }
  }
  return undefined
}

function rangeProblem(ranges: ReadonlyArray<ValidRange>, n: number): Problem {
  if (ranges.length !== n) return ["validRanges", `must give one range per scale (${n}), got ${ranges.length}`]
  const lo = (i: number) => (ranges[i][0] === -1 ? Number.NEGATIVE_INFINITY : ranges[i][0])
  const hi = (i: number) => (ranges[i][1] === -1 ? Number.POSITIVE_INFINITY : ranges[i][1])
  for (let i = 0; i < n; i++) {
    const [a, b] = ranges[i]
    const ok = (v: number) => v === -1 || (Number.isFinite(v) && v >= 0)
    if (!ok(a) || !ok(b)) return [`validRanges[${i}]`, `ends must be >= 0 or -1, got [${a}, ${b})`]
    if (!(lo(i) < hi(i))) return [`validRanges[${i}]`, `is empty: [${a}, ${b})`]
  }
  if (lo(0) > 0) return ["validRanges[0]", `leaves sizes below ${lo(0)} px valid nowhere; start it at 0 or -1`]
  if (hi(n - 1) !== Number.POSITIVE_INFINITY) {
    return [`validRanges[${n - 1}]`, `leaves sizes from ${hi(n - 1)} px valid nowhere; end it at -1`]
  }
  for (let i = 1; i < n; i++) {
    if (lo(i) > hi(i - 1)) {
      return ["validRanges", `leave a gap: sizes in [${hi(i - 1)}, ${lo(i)}) px are valid at no scale`]
    }
    if (!(lo(i) > lo(i - 1) && hi(i) > hi(i - 1))) {
      return [
        "validRanges",
        `overlap wrongly: range ${i} must start and end above range ${i - 1} (coarser scales take larger boxes)`,
      ]
    }
  }
  return undefined
}

function isPositiveInt(v: number): boolean {
  return Number.isSafeInteger(v) && v > 0
}

function isCount(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0
}
