/** Flag values a command cannot run with, found before any work starts. */
import { Runtime, Schema } from "effect"

/** A flag value out of range or a file flag naming nothing: `sniper` exits 2, as for flags effect/cli refuses
 * (Effect's `Runtime.errorExitCode` marker, which any command's error may set). */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  /** What the command would have done, e.g. "train", "generate data set". */
  action: Schema.String,
  flag: Schema.String,
  problem: Schema.String,
}) {
  override readonly [Runtime.errorExitCode] = 2

  override get message() {
    return `Cannot ${this.action}: --${this.flag} ${this.problem}`
  }
}
