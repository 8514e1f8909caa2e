/** Where the user was when npm (or turbo) started `sniper` in another folder. */

/**
 * The folder relative paths on the command line mean. npm runs a package's script in that package's folder
 * (`npm run train` of apps/cli runs in apps/cli) but records where it was started in INIT_CWD; turbo starts npm
 * in the package folder itself (so INIT_CWD is that folder) and records its own start in TURBO_INVOCATION_DIR.
 * Only honoured when npm started this very command (its `train` or `sniper` script): a `sniper` that some other
 * script runs keeps its own folder.
 */
export function invocationDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  if (env.npm_lifecycle_event !== "train" && env.npm_lifecycle_event !== "sniper") return undefined
  const startedByTurbo = env.TURBO_INVOCATION_DIR !== undefined && env.INIT_CWD === cwd
  return startedByTurbo ? env.TURBO_INVOCATION_DIR : env.INIT_CWD
}
