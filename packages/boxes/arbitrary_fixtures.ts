/** Property-test generators (test-only). */
import { Arbitrary, Schema } from "effect"

const int = (minimum: number, maximum: number) =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))

/** One xyxy box with integer corners; `maxSide` 0 allows empty boxes when `minSide` is 0. */
export function intBox(options: { span: number; minSide: number; maxSide: number }): Arbitrary.Arbitrary<number[]> {
  return Arbitrary.map(
    Arbitrary.all([
      int(0, options.span),
      int(0, options.span),
      int(options.minSide, options.maxSide),
      int(options.minSide, options.maxSide),
    ]),
    ([x, y, w, h]) => [x, y, x + w, y + h],
  )
}

/** Between 0 and `maxCount` boxes as one Float64Array. */
export function intBoxes(options: {
  span: number
  minSide: number
  maxSide: number
  maxCount: number
}): Arbitrary.Arbitrary<Float64Array> {
  return Arbitrary.map(Arbitrary.array(intBox(options), { maxLength: options.maxCount }), (bs) =>
    Float64Array.from(bs.flat()),
  )
}

/** Boxes crowded into a small area with scores from a coarse grid (so ties happen) and classes 0..2. */
export const scoredBoxes: Arbitrary.Arbitrary<{ boxes: Float64Array; scores: Float64Array; classes: Int32Array }> =
  Arbitrary.map(
    Arbitrary.array(Arbitrary.all([intBox({ span: 60, minSide: 0, maxSide: 60 }), int(0, 20), int(0, 2)]), {
      maxLength: 60,
    }),
    (rows) => ({
      boxes: Float64Array.from(rows.flatMap(([b]) => b)),
      scores: Float64Array.from(rows.map(([, s]) => s / 20)),
      classes: Int32Array.from(rows.map(([, , c]) => c)),
    }),
  )

/** An IoU threshold from a grid that includes the edge cases 0 and 1. */
export const iouThreshold: Arbitrary.Arbitrary<number> = Arbitrary.map(int(0, 20), (k) => k / 20)

/** A real number in [lo, hi]. */
export function real(lo: number, hi: number): Arbitrary.Arbitrary<number> {
  return Arbitrary.schema(Schema.Number.check(Schema.isBetween({ minimum: lo, maximum: hi })))
}

export const plusOne: Arbitrary.Arbitrary<boolean> = Arbitrary.schema(Schema.Boolean)

/**
 * Up to 200 real-valued boxes: corners in [-500, 500], sides from 0.01 to 1000 px (log-uniform), real scores,
 * classes 0..3, as Float32Array when `float32`. Exercises NMS's windows with tiny boxes next to huge ones.
 */
export const realScoredBoxes: Arbitrary.Arbitrary<{
  boxes: Float32Array | Float64Array
  scores: Float64Array
  classes: Int32Array
}> = Arbitrary.map(
  Arbitrary.all([
    Arbitrary.array(
      Arbitrary.all([real(-500, 500), real(-500, 500), real(-2, 3), real(-2, 3), real(0, 1), int(0, 3)]),
      { maxLength: 200 },
    ),
    Arbitrary.schema(Schema.Boolean),
  ]),
  ([rows, float32]) => {
    const flat = rows.flatMap(([x, y, lw, lh]) => [x, y, x + 10 ** lw, y + 10 ** lh])
    return {
      boxes: float32 ? Float32Array.from(flat) : Float64Array.from(flat),
      scores: Float64Array.from(rows.map((r) => r[4])),
      classes: Int32Array.from(rows.map((r) => r[5])),
    }
  },
)

/** Thresholds including very small ones, where NMS's scan windows are widest. */
export const anyIouThreshold: Arbitrary.Arbitrary<number> = Arbitrary.schema(
  Schema.Literals([0, 0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1]),
)
