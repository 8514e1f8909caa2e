/**
 * The one atomic write: a temporary file in the same folder (named by `temporaryPath`), written, fsynced, renamed
 * over the target, then the folder fsynced. Readers see the old file or the new one, never part of one, and after a
 * crash at any moment (kill, power cut) the target is one whole version; a failed or interrupted write removes its
 * temporary, a killed one leaves it for `removeStaleTemporaries`.
 */
import { type FileHandle, open, rename, rm } from "node:fs/promises"
import { dirname } from "node:path"
import { Effect } from "effect"
import { FileWriteError, problemOf } from "./errors.ts"
import { temporaryPath } from "./temporary_files.ts"

/**
 * Writes `path` atomically through `write`, which writes the content into the temporary file's handle (in order,
 * e.g. with `file.writeFile(chunk)`); its result is returned once the file is in place.
 */
export function writeAtomic<A, E, R>(
  path: string,
  write: (file: FileHandle) => Effect.Effect<A, E, R>,
): Effect.Effect<A, E | FileWriteError, R> {
  return Effect.suspend(() => {
    const temp = temporaryPath(path)
    const attempt = <T>(f: () => Promise<T>) =>
      Effect.tryPromise({ try: f, catch: (cause) => new FileWriteError({ path, problem: problemOf(cause) }) })
    const written = Effect.acquireUseRelease(
      attempt(() => open(temp, "wx")),
      (file) => Effect.tap(write(file), () => attempt(() => file.sync())),
      (file) => Effect.promise(() => file.close().catch(() => undefined)),
    )
    return written.pipe(
      Effect.tap(() => attempt(() => rename(temp, path))),
      Effect.tap(() => attempt(() => syncFolder(dirname(path)))),
      Effect.onExit((exit) =>
        exit._tag === "Failure" ? Effect.promise(() => rm(temp, { force: true }).catch(() => undefined)) : Effect.void,
      ),
    )
  })
}

/** Writes `data` (text as UTF-8, or byte chunks in order) to `path` atomically. */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array | ReadonlyArray<Uint8Array>,
): Effect.Effect<void, FileWriteError> {
  const chunks = typeof data === "string" || data instanceof Uint8Array ? [data] : data
  return writeAtomic(path, (file) =>
    Effect.tryPromise({
      try: async () => {
        for (const chunk of chunks) await file.writeFile(chunk)
      },
      catch: (cause) => new FileWriteError({ path, problem: problemOf(cause) }),
    }),
  )
}

/** Makes a rename in `folder` durable: the folder's entry is flushed like the file's bytes. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r")
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
