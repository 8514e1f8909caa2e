import { TensorRuntime } from "@sniper/tensor-runtime"
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"

/** `sniper backend [--json]`: the tensor backend SNIPER_BACKEND (default auto) selects here, and why. */
export const backend = Command.make(
  "backend",
  {
    json: Flag.Boolean("json").pipe(Flag.withDescription("print one JSON object"), Flag.withDefault(false)),
  },
  ({ json }) =>
    Effect.gen(function* () {
      const info = yield* TensorRuntime
      if (json) return yield* Console.log(JSON.stringify(info))
      yield* Console.log(`backend: ${info.backend}`)
      yield* Console.log(`package: ${info.package} ${info.version}`)
      yield* Console.log(`threads: ${info.threads}`)
      for (const s of info.skipped) yield* Console.log(`skipped: ${s.package}: ${s.reason}`)
    }).pipe(Effect.provide(TensorRuntime.layerQuiet)),
).pipe(
  Command.withDescription(
    "Report the tensor backend this machine uses (SNIPER_BACKEND=auto|tensorflow|wasm|cpu), its version, threads, and why faster ones were skipped",
  ),
)
