/**
 * The folder a relative `--out` means. `npm run experiment` at the repository root runs there; turbo runs the
 * package's `experiment` script inside apps/experiments and records where it was started in TURBO_INVOCATION_DIR;
 * npm run in a workspace (`-w`) records it in INIT_CWD. Only for the `experiment` script itself.
 */
export function invocationDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  if (env.npm_lifecycle_event !== "experiment") return cwd
  return env.TURBO_INVOCATION_DIR ?? env.INIT_CWD ?? cwd
}
