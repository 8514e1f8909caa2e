import { Schema } from "effect"

/** A results file that could not be read or written. */
export class ResultsFileError extends Schema.TaggedError<ResultsFileError>()("ResultsFileError", {
  path: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot use results file "${this.path}": ${this.problem}`
  }
}

/** An arm's run ended without the evaluation the summary needs. */
export class ArmUnfinished extends Schema.TaggedError<ArmUnfinished>()("ArmUnfinished", {
  runDir: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot summarize the run in "${this.runDir}": ${this.problem}`
  }
}

/** A command-line value the experiment cannot run with (exit code 2, as the other usage errors). */
export class BadFlag extends Schema.TaggedError<BadFlag>()("BadFlag", {
  flag: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot run the experiment: --${this.flag} ${this.problem}`
  }
}
