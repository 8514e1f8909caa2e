import { Schema } from "effect"

const Bound = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(-1))
const Resolution = Schema.Struct({ short: Bound, long: Bound })
/** (lo, hi] on box size sqrt(w h) in original px; -1 = unbounded. */
const Range = Schema.Tuple([Bound, Bound])

const inferenceFields = {
  /** Test scales in (short, long) resolution form, finest first. */
  scales: Schema.Array(Resolution).check(Schema.isMinLength(1)),
  /** Per scale, the sizes (lo, hi] in original px its detections are kept for; -1 = unbounded. */
  validRanges: Schema.Array(Range),
  /** Per-category merge of the scales: SNIPER's Gaussian Soft-NMS (sigma 0.55), or greedy NMS at IoU 0.5. */
  merge: Schema.Literals(["soft-nms", "nms"]),
  maxPerImage: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** Per-category scores at or below this are dropped at every scale (SNIPER: 0.001). */
  scoreThreshold: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
}

/** The rule a struct embedding the inference fields must check too: one valid range per test scale. */
export const oneRangePerScale = Schema.makeFilter(
  (c: { readonly scales: ReadonlyArray<unknown>; readonly validRanges: ReadonlyArray<unknown> }) =>
    c.validRanges.length === c.scales.length ||
    `validRanges must give one range per test scale (${c.scales.length}), got ${c.validRanges.length}`,
)

/**
 * How SNIPER runs one whole image at test time (docs/sniper.md section 6), as data: a training configuration's
 * `test` embeds it. Checked: at least one scale (none means no detections), one valid range per scale.
 */
export const InferenceConfig = Schema.Struct(inferenceFields).check(oneRangePerScale)
export type InferenceOptions = typeof InferenceConfig.Type

/** SNIPER's COCO test settings (the reference's): 1400x2000, 800x1280, 480x512, Soft-NMS, 200 per image. */
export const sniperInference: InferenceOptions = {
  scales: [
    { short: 1400, long: 2000 },
    { short: 800, long: 1280 },
    { short: 480, long: 512 },
  ],
  validRanges: [
    [-1, 90],
    [32, 180],
    [75, -1],
  ],
  merge: "soft-nms",
  maxPerImage: 200,
  scoreThreshold: 0.001,
}

/**
 * The demo's test settings, SNIPER's shape at the synthetic images' sizes (160 to 256 px): whole images at long
 * sides 416, 208 and 104 px (2x, 1x and 0.5x of the mean image), with overlapping valid ranges in original px.
 */
export const demoInference: InferenceOptions = {
  scales: [
    { short: -1, long: 416 },
    { short: -1, long: 208 },
    { short: -1, long: 104 },
  ],
  validRanges: [
    [-1, 40],
    [20, 120],
    [64, -1],
  ],
  merge: "soft-nms",
  maxPerImage: 100,
  scoreThreshold: 0.001,
}
