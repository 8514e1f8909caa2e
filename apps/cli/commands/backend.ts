import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { jsonFlag } from "./_flags.ts"

/** `sniper backend [--json]`: the tensor backend SNIPER_BACKEND (default auto) selects here, and why. */
export const backend = Command.make(
  "backend",
  {
    json: jsonFlag,
  },
  ({ json }) =>
    Effect.gen(function* () {
      // imported here so that other subcommands do not pay for loading tfjs
      const { TensorRuntime } = yield* Effect.promise(() => import("@sniper/tensor-runtime"))
      const info = yield* Effect.provide(
        Effect.gen(function* () {
          return yield* TensorRuntime
        }),
        TensorRuntime.layerQuiet,
      )
      if (json) return yield* Console.log(JSON.stringify(info))
      yield* Console.log(`backend: ${info.backend}`)
      yield* Console.log(`package: ${info.package} ${info.version}`)
      yield* Console.log(`threads: ${info.threads}`)
      for (const s of info.skipped) yield* Console.log(`skipped: ${s.package}: ${s.reason}`)
    }),
).pipe(
  Command.withDescription(
    "Report the tensor backend this machine uses (SNIPER_BACKEND=auto|tensorflow|wasm|cpu), its version, threads, and why faster ones were skipped",
  ),
)
