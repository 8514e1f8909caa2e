/**
 * Files that survive crashes: the one atomic write (temporary file, fsync, rename, fsync of the folder) used by
 * every package that writes results, the cleanup of temporaries a killed process left, and a lock file that keeps
 * a second process out of a folder.
 *
 * ```ts
 * yield* writeFileAtomic("runs/a/config.json", JSON.stringify(config))
 * yield* Effect.scoped(Effect.gen(function* () {
 *   yield* acquireLockFile("runs/a/run.lock")     // FileLocked while another live process holds it
 *   yield* removeStaleTemporaries("runs/a")   // temporaries of killed writers
 * }))
 * ```
 * @module
 */
export { writeAtomic, writeFileAtomic } from "./atomic_write.ts"
export { FileLockError, FileLocked, FileWriteError } from "./errors.ts"
export { acquireLockFile, type LockHolder } from "./lock_file.ts"
export { isProcessAlive } from "./process_alive.ts"
export { removeStaleTemporaries, temporaryPath, temporaryWriter } from "./temporary_files.ts"
