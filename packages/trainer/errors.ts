import { Schema } from "effect"

/** A training configuration that cannot run. */
export class InvalidTrainConfig extends Schema.TaggedError<InvalidTrainConfig>()("InvalidTrainConfig", {
  field: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot train: ${this.field} ${this.problem}`
  }
}

/** The run folder holds a run of another configuration: resuming it would mix two experiments. */
export class RunMismatch extends Schema.TaggedError<RunMismatch>()("RunMismatch", {
  runDir: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot resume the run in "${this.runDir}": ${this.problem}; use another --run-dir, or delete that folder to start over`
  }
}

/** A run-folder file that could not be read or written. */
export class RunFileError extends Schema.TaggedError<RunFileError>()("RunFileError", {
  path: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot use run file "${this.path}": ${this.problem}`
  }
}
