/** How `sniper` ends: one line on standard error for a failure, and an exit code a script can act on. */
import { Cause, Runtime } from "effect"
import { CliError } from "effect/cli"

/** 0 done, 1 failed, 2 usage (bad flags, unknown subcommand), 130 interrupted (SIGINT or SIGTERM). */
export const ExitCode = { done: 0, failed: 1, usage: 2, interrupted: 130 } as const

/**
 * The exit code of a failed run and the line to print for it (undefined when effect/cli already printed the
 * help and its errors). Failures print their message alone; defects (bugs) keep their stack.
 */
export function exitOf(cause: Cause.Cause<unknown>): { readonly code: number; readonly line: string | undefined } {
  if (Cause.hasInterruptsOnly(cause)) return { code: ExitCode.interrupted, line: undefined }
  const failure = cause.reasons.find(Cause.isFailReason)
  if (failure === undefined) return { code: ExitCode.failed, line: Cause.pretty(cause) }
  const error = failure.error as { readonly message?: string; readonly _tag?: string; readonly errors?: unknown[] }
  if (CliError.isCliError(error)) {
    // effect/cli has printed the help and the errors; bare `sniper` (help, no error) is not a failure.
    const helpOnly = error._tag === "ShowHelp" && (error.errors?.length ?? 0) === 0
    return { code: helpOnly ? ExitCode.done : ExitCode.usage, line: undefined }
  }
  // An error may choose its code with Effect's marker (UsageError: 2); 1 otherwise.
  return { code: Runtime.getErrorExitCode(error), line: `sniper: ${error?.message ?? String(error)}` }
}
