import { Schema } from "effect"

/** A detector config that failed validation: `issue` is the Schema report, naming the field. */
export class InvalidDetectorConfig extends Schema.TaggedError<InvalidDetectorConfig>()("InvalidDetectorConfig", {
  issue: Schema.String,
}) {
  override get message() {
    return `Cannot build the detector: invalid config, ${this.issue}; fix the field named above`
  }
}
