import { Schema } from "effect"

/** A detector config that failed validation: `issue` is the Schema report, naming the field. */
export class InvalidDetectorConfig extends Schema.TaggedError<InvalidDetectorConfig>()("InvalidDetectorConfig", {
  issue: Schema.String,
}) {
  override get message() {
    return `Cannot build the detector: invalid config, ${this.issue}; fix the field named above`
  }
}

/** A weight file whose tensors do not fit this architecture (missing, unexpected or wrongly shaped names). */
export class WeightMismatch extends Schema.TaggedError<WeightMismatch>()("WeightMismatch", {
  source: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot load weights from "${this.source}": ${this.problem}; was the file written for another depth, width or class count?`
  }
}
