/**
 * A lock file held for the length of an Effect scope: one process at a time in a folder. The file names its holder
 * (pid, host, start time); a holder that died without releasing it (SIGKILL, power cut) is detected by its pid no
 * longer running on this host, and its lock is taken over.
 */
import { link, readFile, rename, rm, writeFile } from "node:fs/promises"
import { hostname } from "node:os"
import { Effect, type Scope } from "effect"
import { FileLockError, FileLocked, problemOf } from "./errors.ts"
import { isProcessAlive } from "./process_alive.ts"
import { temporaryPath } from "./temporary_files.ts"

/** Who holds a lock. */
export interface LockHolder {
  readonly pid: number
  readonly host: string
  /** ISO time the lock was taken. */
  readonly since: string
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>
    return Number.isSafeInteger(h.pid) && typeof h.host === "string" && typeof h.since === "string"
      ? { pid: h.pid!, host: h.host, since: h.since }
      : undefined
  } catch {
    return undefined
  }
}

const codeOf = (cause: unknown) => (cause as { code?: string }).code

/**
 * Takes the lock file `path` until the enclosing scope closes (on success, failure or interruption). Fails with
 * FileLocked while another running process, or this one, holds it; returns the holder of a stale lock it took
 * over, else undefined.
 */
export function acquireLockFile(
  path: string,
): Effect.Effect<LockHolder | undefined, FileLocked | FileLockError, Scope.Scope> {
  const fail = (cause: unknown) => new FileLockError({ path, problem: problemOf(cause) })
  const attempt = <T>(f: () => Promise<T>) => Effect.tryPromise({ try: f, catch: fail })
  const mine: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
  const text = `${JSON.stringify(mine)}\n`

  /** Creates the lock whole (written aside, then hard-linked: `link` fails if the name exists); false if taken. */
  const create = attempt(async () => {
    const temp = temporaryPath(path)
    await writeFile(temp, text, { flag: "wx" })
    try {
      await link(temp, path)
      return true
    } catch (cause) {
      if (codeOf(cause) === "EEXIST") return false
      throw cause
    } finally {
      await rm(temp, { force: true })
    }
  })
  const read = attempt(() =>
    readFile(path, "utf8").catch((cause) => (codeOf(cause) === "ENOENT" ? "" : Promise.reject(cause))),
  )

  /** Moves a stale lock aside; if another process replaced it meanwhile, puts that one back. */
  const takeOver = (stale: string) =>
    attempt(async () => {
      const aside = temporaryPath(path)
      try {
        await rename(path, aside)
      } catch (cause) {
        if (codeOf(cause) === "ENOENT") return
        throw cause
      }
      if ((await readFile(aside, "utf8")) !== stale) await link(aside, path).catch(() => undefined)
      await rm(aside, { force: true })
    })

  const take = Effect.gen(function* () {
    let tookOver: LockHolder | undefined
    for (let tries = 0; tries < 5; tries++) {
      if (yield* create) return tookOver
      const found = yield* read
      if (found === "") continue
      const holder = parseHolder(found)
      if (holder === undefined) {
        return yield* new FileLockError({
          path,
          problem: "it is not a lock file of this program; delete it if no process uses the folder",
        })
      }
      if (holder.host !== mine.host || isProcessAlive(holder.pid)) return yield* new FileLocked({ path, ...holder })
      tookOver = holder
      yield* takeOver(found)
    }
    return yield* new FileLockError({ path, problem: "other processes keep taking it; try again" })
  })

  const release = attempt(async () => {
    if ((await readFile(path, "utf8").catch(() => "")) === text) await rm(path, { force: true })
  }).pipe(Effect.ignore)

  return Effect.acquireRelease(take, () => release)
}
