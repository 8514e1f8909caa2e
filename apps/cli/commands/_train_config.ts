/** A TrainConfig read from a JSON file (a `--config` file or a run folder's config.json), every failure naming
 * the flag it came from and the file. */
import { readFile } from "node:fs/promises"
import { Effect } from "effect"
import { lazyImport } from "./lazy_import.ts"

/** The JSON of a configuration file, unvalidated (a `--config` overlay is only whole once laid on its preset). */
export const readConfigJson = Effect.fn("readConfigJson")(function* (
  path: string,
  options: { readonly field: string; readonly hint?: string },
) {
  const { InvalidTrainConfig } = yield* lazyImport(() => import("@sniper/trainer"))
  const hint = options.hint === undefined ? "" : `; ${options.hint}`
  const text = yield* Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (cause) =>
      new InvalidTrainConfig({ field: options.field, problem: `cannot be read from "${path}": ${cause}${hint}` }),
  })
  return yield* Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (cause) => new InvalidTrainConfig({ field: options.field, problem: `"${path}" is not JSON: ${cause}` }),
  })
})

export const readTrainConfig = Effect.fn("readTrainConfig")(function* (
  path: string,
  options: { readonly field: string; readonly hint?: string },
) {
  const { decodeTrainConfig } = yield* lazyImport(() => import("@sniper/trainer"))
  return yield* decodeTrainConfig(yield* readConfigJson(path, options))
})
