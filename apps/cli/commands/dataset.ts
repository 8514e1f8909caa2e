import { Effect } from "effect"
import { Command } from "effect/cli"

// Placeholder until its package lands; replaced by the owner of that package.
export const dataset = Command.make("dataset", {}, () =>
  Effect.fail(new Error("sniper dataset is not built yet")),
).pipe(Command.withDescription("(not built yet)"))
