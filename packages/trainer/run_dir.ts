/**
 * The run folder: `config.json` (the exact configuration) and `data.json` (the data's fingerprint), checked on every
 * resume; `run.lock` while a process trains in it; every file written atomically through @sniper/files.
 */
import { existsSync } from "node:fs"
import { mkdir, readFile, rm } from "node:fs/promises"
import { join } from "node:path"
import { acquireLockFile, removeStaleTemporaries, writeFileAtomic as writeAtomically } from "@sniper/files"
import { Effect, Schema } from "effect"
import { TrainConfig } from "./config.ts"
import { configDifferences, describeDifference } from "./config_differences.ts"
import { type DataFingerprint, fingerprintChanges } from "./data_fingerprint.ts"
import { RunFileError, RunLocked, RunMismatch } from "./errors.ts"

function fileEffect<A>(path: string, f: () => Promise<A>) {
  return Effect.tryPromise({
    try: f,
    catch: (cause) => new RunFileError({ path, problem: cause instanceof Error ? cause.message : String(cause) }),
  })
}

/** Writes `text` to `path` atomically (temporary file, fsync, rename, fsync of the folder). */
export function writeFileAtomic(path: string, text: string) {
  return writeAtomically(path, text).pipe(
    Effect.mapError((error) => new RunFileError({ path, problem: error.problem })),
  )
}

/** Removes a run-folder file that is no longer needed; one that is already gone is fine. */
export function removeRunFile(path: string) {
  return fileEffect(path, () => rm(path, { force: true }))
}

/**
 * Creates the run folder if needed and holds its `run.lock` until the enclosing scope closes, so that a second
 * process is refused (RunLocked); a lock left by a process that no longer runs is taken over. Then removes the
 * temporary files that killed writes left in the folder.
 */
export const openRunDir = Effect.fn("openRunDir")(function* (runDir: string) {
  yield* fileEffect(runDir, () => mkdir(runDir, { recursive: true }))
  const lock = join(runDir, "run.lock")
  const stale = yield* acquireLockFile(lock).pipe(
    Effect.catchTag("FileLocked", (held) =>
      Effect.fail(new RunLocked({ runDir, pid: held.pid, host: held.host, since: held.since })),
    ),
    Effect.mapError((error) =>
      error._tag === "FileLockError" ? new RunFileError({ path: lock, problem: error.problem }) : error,
    ),
  )
  if (stale !== undefined) {
    yield* Effect.logInfo(`run.lock: took over from process ${stale.pid}, which no longer runs`)
  }
  const removed = yield* removeStaleTemporaries(runDir).pipe(
    Effect.mapError((error) => new RunFileError({ path: runDir, problem: error.problem })),
  )
  if (removed.length > 0) yield* Effect.logInfo(`removed temporary files a killed run left: ${removed.join(", ")}`)
})

const readText = (path: string) => fileEffect(path, () => readFile(path, "utf8"))

function parseJson(path: string, text: string) {
  return Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (cause) =>
      new RunFileError({ path, problem: `it is not JSON (${cause instanceof Error ? cause.message : String(cause)})` }),
  })
}

/**
 * Records the configuration and the data's fingerprint in a new run folder, or checks that a folder being resumed
 * was made by the same configuration and data, naming each field or file that differs (RunMismatch). With `extend`,
 * `epochs` may grow (a finished run trains on): config.json then takes the new count.
 */
export const prepareRunDir = Effect.fn("prepareRunDir")(function* (
  runDir: string,
  config: TrainConfig,
  options: { readonly data: DataFingerprint; readonly extend?: boolean | undefined },
) {
  const configPath = join(runDir, "config.json")
  const dataPath = join(runDir, "data.json")
  const encoded = Schema.encodeSync(TrainConfig)(config)
  const configText = `${JSON.stringify(encoded, null, 2)}\n`
  const dataText = `${JSON.stringify(options.data, null, 2)}\n`
  if (!existsSync(configPath)) {
    yield* writeFileAtomic(dataPath, dataText)
    return yield* writeFileAtomic(configPath, configText)
  }
  const saved = yield* parseJson(configPath, yield* readText(configPath))
  // The number of workers never changes a run's numbers, so it may differ on resume.
  const differences = configDifferences(saved, encoded).filter((d) => d.field !== "workers")
  const grows = differences.find((d) => d.field === "epochs")
  const others = differences.filter((d) => d !== grows)
  const problems = others.map((d) => describeDifference(d, "config.json"))
  if (grows !== undefined) {
    const more = typeof grows.saved === "number" && (grows.current as number) > grows.saved
    if (options.extend !== true) {
      problems.push(
        `${describeDifference(grows, "config.json")}${more ? " (to train a run for more epochs, extend it)" : ""}`,
      )
    } else if (!more) {
      problems.push(`${describeDifference(grows, "config.json")}; extending can only add epochs`)
    }
  }
  if (existsSync(dataPath)) {
    const savedData = (yield* parseJson(dataPath, yield* readText(dataPath))) as DataFingerprint
    problems.push(...fingerprintChanges(savedData, options.data).map((c) => `${c} (data.json)`))
  }
  if (problems.length > 0) return yield* new RunMismatch({ runDir, problem: problems.join("; ") })
  if (!existsSync(dataPath)) yield* writeFileAtomic(dataPath, dataText)
  if (grows !== undefined) {
    yield* writeFileAtomic(configPath, configText)
    yield* Effect.logInfo(`extending the run from ${grows.saved} to ${grows.current} epochs`)
  }
})
