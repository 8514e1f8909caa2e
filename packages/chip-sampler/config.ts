import type { ValidRange } from "@sniper/boxes"
import { Result, Schema, SchemaIssue, SchemaTransformation, Struct } from "effect"
import { InvalidChipConfig } from "./errors.ts"
import { scaleOf } from "./image_scales.ts"

const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const orUnbounded = (ok: (v: number) => boolean, expected: string) =>
  Schema.Finite.check(Schema.makeFilter((v: number) => v === -1 || ok(v), { expected }))

/** `reference`: the released code's rules and quirks (docs/sniper.md sections 2-4); `paper`: the clean rules of section 8. */
export const Mode = Schema.Literals(["reference", "paper"])
export type Mode = typeof Mode.Type

/**
 * One training scale. `{ factor }` multiplies the original image; `{ short, long }` is the resolution form
 * (s = short / min(W, H), capped so round(s max(W, H)) <= long; short = -1 gives s = long / max(W, H)).
 */
export const ScaleSpec = Schema.Union([
  Schema.Struct({ factor: Schema.Finite.check(Schema.isGreaterThan(0)) }),
  Schema.Struct({
    short: orUnbounded((v) => v > 0, "a side > 0 or -1"),
    long: orUnbounded((v) => v > 0, "a side > 0 or -1"),
  }).check(Schema.makeFilter((s) => !(s.short === -1 && s.long === -1) || "short and long must not both be -1")),
])
export type ScaleSpec = typeof ScaleSpec.Type

/** `[lo, hi)` on box size sqrt(w h) in original px; -1 = unbounded. */
const Range = Schema.Tuple([
  orUnbounded((v) => v >= 0, "a size >= 0 or -1"),
  orUnbounded((v) => v >= 0, "a size >= 0 or -1"),
]).check(Schema.makeFilter(([lo, hi]) => lo === -1 || hi === -1 || lo < hi || `is empty: [${lo}, ${hi})`))

const fields = {
  mode: Mode,
  /** Finest first. */
  scales: Schema.Array(ScaleSpec).check(Schema.isMinLength(1)),
  /** Per scale, `[lo, hi)` on box size sqrt(w h) in original px; -1 = unbounded. */
  validRanges: Schema.Array(Range),
  /** Chip side C in chip px (512). */
  chipSize: PositiveInt,
  /** Grid stride d in scaled px, or `"random"`: an integer in 56..59 drawn per (seed, epoch), as the reference. */
  stride: Schema.Union([PositiveInt, Schema.Literal("random")]),
  /** Negative chips sampled per image per epoch (2). */
  negativesPerImage: Count,
  /** A negative chip needs more than `finest` (25) proposals at the finest scale, more than `others` (10) elsewhere. */
  minProposals: Schema.Struct({ finest: Count, others: Count }),
  /** At most this many ground-truth boxes per chip (100), the first kept in annotation order. */
  maxBoxesPerChip: PositiveInt,
  /** Boxes narrower or shorter than this in chip px (+1 widths, after clipping) are dropped from a chip (10). */
  minBoxSide: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
  /** Crowd annotations: `"drop"` (reference: never seen) or `"ignore"` (paper: ignored boxes in every chip). */
  crowd: Schema.Literals(["drop", "ignore"]),
}

/**
 * `chips` (the default): SNIPER's chips. `whole-image`: per scale, one chip holding the whole scaled image
 * (top-left, zero-padded), every box in it valid and no negative chips: plain single- or multi-scale training on
 * whole images, for comparison. `chipSize` must then hold the largest scaled image (`wholeImageChipSize`);
 * `validRanges` and `stride` are not used.
 */
export const Sampling = Schema.Literals(["chips", "whole-image"])
export type Sampling = typeof Sampling.Type

/**
 * Boxes a chip holds outside its scale's valid range: `ignore` (the default, SNIPER's scale normalization) or
 * `valid`, trained as any other box and with proposals of every size kept (the ablation without scale
 * normalization). Where chips are placed does not change.
 */
export const OutOfRange = Schema.Literals(["ignore", "valid"])
export type OutOfRange = typeof OutOfRange.Type

// Optional so that configurations (and run folders) written before they existed stay the same when they are absent.
const switches = {
  sampling: Schema.optionalKey(Sampling),
  outOfRange: Schema.optionalKey(OutOfRange),
}

/** A checked chip configuration (see the `ChipConfig` schema). Sizes in px; scales finest first. */
export type ChipConfig = Schema.Struct.Type<typeof fields & typeof switches>

/** Whether every box a chip keeps is trained as valid (whole-image sampling, or out-of-range boxes valid). */
export function trainsEveryBox(config: ChipConfig): boolean {
  return config.sampling === "whole-image" || config.outOfRange === "valid"
}

// Image shapes on which the scale order is checked (resolution-form scales depend on the image).
const probeShapes: ReadonlyArray<readonly [number, number]> = [
  [640, 480],
  [480, 640],
  [1000, 1000],
]

function scalesFinestFirst(c: ChipConfig): Schema.FilterOutput {
  for (const [w, h] of probeShapes) {
    for (let i = 1; i < c.scales.length; i++) {
      const finer = scaleOf(c.scales[i - 1], w, h)
      const coarser = scaleOf(c.scales[i], w, h)
      if (!(coarser < finer)) {
        return {
          path: ["scales"],
          issue: `must be sorted finest first: on a ${w}x${h} image scale ${i} gives ${coarser} >= ${finer}`,
        }
      }
    }
  }
  return undefined
}

/** Ranges that rise with no gap from 0 to unbounded, one per scale: every box size is valid at some scale. */
function rangesCoverSizes(c: ChipConfig): Schema.FilterOutput {
  const ranges = c.validRanges
  const n = c.scales.length
  if (ranges.length !== n) {
    return { path: ["validRanges"], issue: `must give one range per scale (${n}), got ${ranges.length}` }
  }
  const lo = (i: number) => (ranges[i][0] === -1 ? Number.NEGATIVE_INFINITY : ranges[i][0])
  const hi = (i: number) => (ranges[i][1] === -1 ? Number.POSITIVE_INFINITY : ranges[i][1])
  if (lo(0) > 0) {
    return { path: ["validRanges", 0], issue: `leaves sizes below ${lo(0)} px valid nowhere; start it at 0 or -1` }
  }
  if (hi(n - 1) !== Number.POSITIVE_INFINITY) {
    return {
      path: ["validRanges", n - 1],
      issue: `leaves sizes from ${hi(n - 1)} px valid nowhere; end it at -1`,
    }
  }
  for (let i = 1; i < n; i++) {
    if (lo(i) > hi(i - 1)) {
      return { path: ["validRanges"], issue: `leave a gap: sizes in [${hi(i - 1)}, ${lo(i)}) px are valid at no scale` }
    }
    if (!(lo(i) > lo(i - 1) && hi(i) > hi(i - 1))) {
      return {
        path: ["validRanges"],
        issue: `overlap wrongly: range ${i} must start and end above range ${i - 1} (coarser scales take larger boxes)`,
      }
    }
  }
  return undefined
}

/** C - d - 1 > 0, or no box fits a chip of the grid (the largest random stride is 59). */
function chipHoldsStride(c: ChipConfig): Schema.FilterOutput {
  const maxStride = c.stride === "random" ? 59 : c.stride
  return c.chipSize - maxStride - 1 > 0
    ? undefined
    : {
        path: ["chipSize"],
        issue: `must exceed stride + 1 (${maxStride + 1}) or no box fits a chip, got ${c.chipSize}`,
      }
}

const Complete = Schema.Struct({ ...fields, ...switches }).check(
  Schema.makeFilter(scalesFinestFirst),
  Schema.makeFilter(rangesCoverSizes),
  Schema.makeFilter(chipHoldsStride),
)

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

// What differs between the modes' defaults: the reference's random strides 56..59 and dropped crowds.
const modeDefaults = {
  reference: { stride: "random", crowd: "drop" },
  paper: { stride: 32, crowd: "ignore" },
} as const

/** The defaults of a mode (docs/sniper.md section 0): COCO's scales and ranges, 512 px chips. */
export function defaultChipConfig(mode: Mode): ChipConfig {
  return {
    mode,
    scales: factorScales,
    validRanges: cocoValidRanges,
    chipSize: 512,
    ...modeDefaults[mode],
    negativesPerImage: 2,
    minProposals: { finest: 25, others: 10 },
    maxBoxesPerChip: 100,
    minBoxSide: 10,
  }
}

/**
 * A chip configuration, decoded: any field may be left out and takes its mode's default (`defaultChipConfig`);
 * then the cross-field rules are checked: scales finest first (on 640x480, 480x640 and 1000x1000 images), one
 * valid range a scale rising with no gap from 0 to unbounded, chip size above stride + 1. A training
 * configuration embeds it whole.
 */
export const ChipConfig = Schema.Struct({ ...Struct.map(fields, Schema.optionalKey), ...switches }).pipe(
  Schema.decodeTo(
    Complete,
    SchemaTransformation.transform({
      decode: (input) => ({ ...defaultChipConfig(input.mode ?? "reference"), ...input }),
      encode: (config) => config,
    }),
  ),
)

/** What `chipConfig` takes: any field of `ChipConfig`; the rest from the mode's defaults. */
export type ChipConfigOptions = typeof ChipConfig.Encoded

const formatIssue = SchemaIssue.makeFormatterStandardSchemaV1()

/** Decodes `options` through the `ChipConfig` schema; the error names the first bad field by its path. */
export function chipConfig(options: ChipConfigOptions = {}): Result.Result<ChipConfig, InvalidChipConfig> {
  return Result.mapError(Schema.decodeUnknownResult(ChipConfig)(options), (error) => {
    // A scale that fits neither form fails both; the form it was meant as reports more than a missing key.
    const { issues } = formatIssue(error.issue)
    const first = issues.find((issue) => issue.message !== "Missing key") ?? issues[0]
    const problem = first.message
      .replace(/^Expected /, "must be ")
      .replace(/^Missing key$/, "is missing")
      .replace(/\s*\n\s*/g, " ")
    return new InvalidChipConfig({ field: fieldPath(first.path ?? []), problem })
  })
}

/** `["validRanges", 0]` as `validRanges[0]`, `["minProposals", "finest"]` as `minProposals.finest`. */
export function fieldPath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>): string {
  let out = ""
  for (const segment of path) {
    const key = typeof segment === "object" ? segment.key : segment
    out += typeof key === "number" ? `[${key}]` : `${out === "" ? "" : "."}${String(key)}`
  }
  return out === "" ? "config" : out
}
