/** A TrainConfig read from a JSON file (a `--config` file or a run folder's config.json), every failure naming
 * the flag it came from and the file. */
import { readFile } from "node:fs/promises"
import { Effect } from "effect"
import { lazyImport } from "./lazy_import.ts"

export const readTrainConfig = Effect.fn("readTrainConfig")(function* (
  path: string,
  options: { readonly field: string; readonly hint?: string },
) {
  const { decodeTrainConfig, InvalidTrainConfig } = yield* lazyImport(() => import("@sniper/trainer"))
  const hint = options.hint === undefined ? "" : `; ${options.hint}`
  const text = yield* Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (cause) =>
      new InvalidTrainConfig({ field: options.field, problem: `cannot be read from "${path}": ${cause}${hint}` }),
  })
  const json = yield* Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (cause) => new InvalidTrainConfig({ field: options.field, problem: `"${path}" is not JSON: ${cause}` }),
  })
  return yield* decodeTrainConfig(json)
})
