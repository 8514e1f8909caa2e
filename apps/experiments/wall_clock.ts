import { existsSync } from "node:fs"
import { Effect } from "effect"
import { readJson, writeJson } from "./results_files.ts"

/** How often the running total is saved: a killed run loses at most this much of its wall time. */
const saveEvery = "10 seconds"

/**
 * Runs `effect` and returns its value with the wall time it took in seconds, added to what `path` recorded of
 * earlier attempts; the running total is saved to `path` every 10 s, so time spent before a kill still counts
 * when the work resumes.
 */
export const withWallClock = <A, E, R>(path: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const before = existsSync(path) ? ((yield* readJson(path)) as { readonly seconds: number }).seconds : 0
    const started = performance.now()
    const total = () => before + (performance.now() - started) / 1000
    const save = Effect.suspend(() => writeJson(path, { seconds: total() }))
    yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(saveEvery), Effect.ignore(save))))
    const value = yield* effect
    const seconds = total()
    yield* writeJson(path, { seconds })
    return { value, seconds }
  }).pipe(Effect.scoped)
