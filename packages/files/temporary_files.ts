/**
 * Names of the temporary files that atomic writes leave beside their target while they run, so that files left
 * by a killed process can be found and removed: `.<name>.<pid>-<n>.partial`.
 */
import { readdir, rm } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import { Effect } from "effect"
import { FileWriteError, problemOf } from "./errors.ts"
import { isProcessAlive } from "./process_alive.ts"

let counter = 0
/** Temporaries of this process whose write has not ended (never stale). */
const inFlight = new Set<string>()

/** A fresh temporary path beside `path`, recognisable by `temporaryWriter`. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${++counter}.partial`)
}

/** Marks a temporary as being written by this process (until `release`), so no cleanup removes it. */
export function holdTemporary(path: string): { readonly release: () => void } {
  inFlight.add(path)
  return { release: () => inFlight.delete(path) }
}

// The current name, then the names earlier versions of this project used (run_dir, safetensors, results files).
const patterns = [/^\..+\.(\d+)-\d+\.partial$/, /^.+\.tmp-(\d+)$/, /^\..+\.tmp-(\d+)-\d+$/, /^.+\.(\d+)\.partial$/]

/** The process id in a temporary file's name, or undefined when `name` is no temporary of this project. */
export function temporaryWriter(name: string): number | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(name)
    if (match !== null) return Number(match[1])
  }
  return undefined
}

/**
 * Removes the temporaries in `dir` that no write is still producing, and returns their names: those of processes
 * no longer running, or, with `owned` (the caller holds the folder, e.g. by a lock file), all but this process's
 * writes in progress — a dead process's id may have been reused by now.
 */
export const removeStaleTemporaries = Effect.fn("removeStaleTemporaries")(function* (
  dir: string,
  options: { readonly owned?: boolean } = {},
) {
  const names = yield* Effect.tryPromise({
    try: () => readdir(dir),
    catch: (cause) => new FileWriteError({ path: dir, problem: problemOf(cause) }),
  })
  const stale = names
    .filter((name) => {
      const pid = temporaryWriter(name)
      if (pid === undefined || inFlight.has(join(dir, name))) return false
      return options.owned === true || !isProcessAlive(pid)
    })
    .sort()
  for (const name of stale) {
    const path = join(dir, name)
    yield* Effect.tryPromise({
      try: () => rm(path, { force: true }),
      catch: (cause) => new FileWriteError({ path, problem: problemOf(cause) }),
    })
  }
  return stale
})
