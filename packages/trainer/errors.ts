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

/** The run would train on nothing: no images, no boxes, no chips, or no image that can be read. */
export class NoTrainingData extends Schema.TaggedError<NoTrainingData>()("NoTrainingData", {
  /** The file, folder or config field at fault. */
  source: Schema.String,
  reason: Schema.String,
}) {
  override get message() {
    return `Cannot train on "${this.source}": ${this.reason}`
  }
}

/** Another process that is still running trains in the run folder. */
export class RunLocked extends Schema.TaggedError<RunLocked>()("RunLocked", {
  runDir: Schema.String,
  pid: Schema.Number,
  host: Schema.String,
  since: Schema.String,
}) {
  override get message() {
    return `Cannot train in "${this.runDir}": process ${this.pid} on ${this.host} has been training in it since ${this.since} (run.lock); wait for it to end or stop it, or use another --run-dir`
  }
}
