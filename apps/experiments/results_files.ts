/** JSON files of the results folder: read back, or written atomically (a killed run leaves the old file or the new). */
import { readFile } from "node:fs/promises"
import { writeFileAtomic } from "@sniper/files"
import { Effect } from "effect"
import { ResultsFileError } from "./errors.ts"

const problemOf = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

export const readJson = Effect.fn("readJson")(function* (path: string) {
  const text = yield* Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (cause) => new ResultsFileError({ path, problem: problemOf(cause) }),
  })
  return yield* Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (cause) => new ResultsFileError({ path, problem: `it is not JSON (${problemOf(cause)})` }),
  })
})

export function writeText(path: string, text: string) {
  return writeFileAtomic(path, text).pipe(
    Effect.mapError((error) => new ResultsFileError({ path, problem: error.problem })),
  )
}

export function writeJson(path: string, value: unknown) {
  return writeText(path, `${JSON.stringify(value, null, 2)}\n`)
}
