import { Effect } from "effect"
import { Command } from "effect/cli"

// Placeholder until its package lands; replaced by the owner of that package.
export const evalCommand = Command.make("eval", {}, () => Effect.fail(new Error("sniper eval is not built yet"))).pipe(
  Command.withDescription("(not built yet)"),
)
