import { Schema } from "effect"

/** A file could not be written; the previous file at `path`, if any, is intact and no temporary is left. */
export class FileWriteError extends Schema.TaggedError<FileWriteError>()("FileWriteError", {
  path: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot write "${this.path}": ${this.problem}`
  }
}

/** A lock file is held by a process that is still running (or runs on another host, where it cannot be checked). */
export class FileLocked extends Schema.TaggedError<FileLocked>()("FileLocked", {
  path: Schema.String,
  pid: Schema.Number,
  host: Schema.String,
  since: Schema.String,
}) {
  override get message() {
    return `Cannot lock "${this.path}": process ${this.pid} on ${this.host} holds it since ${this.since}`
  }
}

/** A lock file could not be created, read or removed, or holds something this project did not write. */
export class FileLockError extends Schema.TaggedError<FileLockError>()("FileLockError", {
  path: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot lock "${this.path}": ${this.problem}`
  }
}

/** The message of a rejected file operation. */
export function problemOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
