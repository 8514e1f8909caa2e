import { Effect } from "effect"
import { Command } from "effect/cli"

// Placeholder until its package lands; replaced by the owner of that package.
export const synth = Command.make("synth", {}, () => Effect.fail(new Error("sniper synth is not built yet"))).pipe(
  Command.withDescription("(not built yet)"),
)
