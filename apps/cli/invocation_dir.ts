/** Where the user was when npm (or turbo) started `sniper` in another folder. */

/**
 * The folder relative paths on the command line mean. npm runs a package's script in that package's folder
 * (`npm run train` of apps/cli runs in apps/cli) but records where it was started in INIT_CWD; turbo, which
 * starts npm in the package, records its own start in TURBO_INVOCATION_DIR. Only honoured when npm started this
 * very command (its `train` or `sniper` script): a `sniper` that some other script runs keeps its own folder.
 */
export function invocationDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.npm_lifecycle_event !== "train" && env.npm_lifecycle_event !== "sniper") return undefined
  return env.TURBO_INVOCATION_DIR ?? env.INIT_CWD
}
