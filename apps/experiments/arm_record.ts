import { Schema } from "effect"

const Count = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

const totals = { chips: Count, inputPixels: Count, imagePixels: Count }

/**
 * What the runner records of one finished arm and seed in its run folder (`training.json`, written after the
 * trainer's metrics.json): the budget, the epochs it gave, what those epochs trained on and the wall time.
 */
export const ArmRecord = Schema.Struct({
  experiment: Schema.String,
  arm: Schema.String,
  seed: Schema.Int,
  budget: Schema.Struct({ unit: Schema.Literals(["chips", "inputPixels", "imagePixels"]), target: Count }),
  epochs: Schema.Int,
  steps: Schema.Int,
  chipSize: Schema.Int,
  /** The detector's training: every chip of every epoch. */
  training: Schema.Struct(totals),
  perEpoch: Schema.Array(Schema.Struct(totals)),
  /** The short-schedule RPN trained for negative chips' proposals (positive chips), apart from `training`. */
  rpnStage: Schema.optional(Schema.Struct({ epochs: Schema.Int, ...totals })),
  /** Wall time of the whole arm (RPN stage, training, evaluation), over every attempt. */
  wallSeconds: Count,
})
export type ArmRecord = typeof ArmRecord.Type

/** The run folder's record file. */
export const recordFile = "training.json"
