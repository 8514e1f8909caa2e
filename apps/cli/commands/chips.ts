import { Effect } from "effect"
import { Command } from "effect/cli"

// Placeholder until its package lands; replaced by the owner of that package.
export const chips = Command.make("chips", {}, () => Effect.fail(new Error("sniper chips is not built yet"))).pipe(
  Command.withDescription("(not built yet)"),
)
