#!/usr/bin/env node
/** The `sniper` command: one subcommand a file under ./commands, wired here. */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Console, Effect } from "effect"
import { Command } from "effect/cli"
import { subcommands } from "./commands/mod.ts"
import manifest from "./package.json" with { type: "json" }

const sniper = Command.make("sniper").pipe(
  Command.withDescription("SNIPER: efficient multi-scale training of object detectors"),
  Command.withSubcommands(subcommands),
)

// A failure prints one line (the tagged error's message) and exits 1; defects keep their stack.
const program = Command.run(sniper, { version: manifest.version }).pipe(
  Effect.catchCause((cause) =>
    Effect.gen(function* () {
      const failure = cause.reasons.find(Cause.isFailReason)
      if (failure !== undefined) {
        const error = failure.error as { readonly message?: string; readonly _tag?: string }
        if (error?._tag !== "ShowHelp") yield* Console.error(`sniper: ${error?.message ?? String(error)}`)
      } else if (!Cause.hasInterruptsOnly(cause)) {
        yield* Console.error(Cause.pretty(cause))
      }
      process.exitCode = 1
    }),
  ),
  Effect.provide(NodeServices.layer),
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
