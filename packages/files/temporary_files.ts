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

/** A fresh temporary path beside `path`, recognisable by `temporaryWriter`. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${++counter}.partial`)
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
 * Removes the temporaries in `dir` whose writer no longer runs (killed in mid-write), and returns their names.
 * A temporary of a running process is kept, even when that id was reused by another process since: a leftover
 * file costs less than a live write broken.
 */
export const removeStaleTemporaries = Effect.fn("removeStaleTemporaries")(function* (dir: string) {
  const names = yield* Effect.tryPromise({
    try: () => readdir(dir),
    catch: (cause) => new FileWriteError({ path: dir, problem: problemOf(cause) }),
  })
  const stale = names
    .filter((name) => {
      const pid = temporaryWriter(name)
      return pid !== undefined && !isProcessAlive(pid)
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
