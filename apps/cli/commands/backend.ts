import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"

export const backend = Command.make(
  "backend",
  { json: Flag.Boolean("json").pipe(Flag.withDescription("print one JSON object")) },
  ({ json }) => Console.log(json ? JSON.stringify({ backend: "unknown" }) : "backend: unknown"),
).pipe(Command.withDescription("Report the tensor backend this machine would use"))
