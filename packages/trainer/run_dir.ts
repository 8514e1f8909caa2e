import { existsSync } from "node:fs"
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Schema } from "effect"
import { TrainConfig } from "./config.ts"
import { RunFileError, RunMismatch } from "./errors.ts"

function fileEffect<A>(path: string, f: () => Promise<A>) {
  return Effect.tryPromise({
    try: f,
    catch: (cause) => new RunFileError({ path, problem: cause instanceof Error ? cause.message : String(cause) }),
  })
}

/** Writes `text` to `path` through a temporary file and a rename, so readers never see half a file. */
export function writeFileAtomic(path: string, text: string) {
  const temp = `${path}.tmp-${process.pid}`
  return fileEffect(path, async () => {
    await writeFile(temp, text)
    await rename(temp, path)
  })
}

/** Appends one JSON line to the run's `log.jsonl`. */
export function appendLog(runDir: string, record: object) {
  const path = join(runDir, "log.jsonl")
  return fileEffect(path, () => appendFile(path, `${JSON.stringify(record)}\n`))
}

/**
 * Creates the run folder with the exact configuration in `config.json`, or checks that an existing folder was
 * made by the same configuration (so a resumed run never mixes two experiments).
 */
export const prepareRunDir = Effect.fn("prepareRunDir")(function* (runDir: string, config: TrainConfig) {
  yield* fileEffect(runDir, () => mkdir(runDir, { recursive: true }))
  const path = join(runDir, "config.json")
  const encoded = `${JSON.stringify(Schema.encodeSync(TrainConfig)(config), null, 2)}\n`
  if (!existsSync(path)) return yield* writeFileAtomic(path, encoded)
  const saved = yield* fileEffect(path, () => readFile(path, "utf8"))
  if (saved !== encoded) {
    return yield* new RunMismatch({ runDir, problem: "its config.json differs from this run's configuration" })
  }
})
