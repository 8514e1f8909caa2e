#!/usr/bin/env node
/** The `sniper` command: one subcommand a file under ./commands, wired here. */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Console, Effect, Exit, Layer, Logger } from "effect"
import { Command } from "effect/cli"
import { subcommands } from "./commands/mod.ts"
import { ExitCode, exitOf } from "./exit_code.ts"
import { invocationDir } from "./invocation_dir.ts"

// Relative paths the user typed are relative to where they ran npm, not to the script's package folder.
const from = invocationDir(process.env, process.cwd())
if (from !== undefined) process.chdir(from)

import manifest from "./package.json" with { type: "json" }

const sniper = Command.make("sniper").pipe(
  Command.withDescription(
    "SNIPER: efficient multi-scale training of object detectors. Exit codes: 0 done, 1 failed, 2 usage, 130 interrupted",
  ),
  Command.withSubcommands(subcommands),
)

/** Log lines on standard error (standard output is for results and --json): info lines as they are, others
 * marked with their level. `--log-level` sets the minimum level. */
const stderrLogger = Logger.make(({ logLevel, message }) => {
  const parts = Array.isArray(message) ? message : [message]
  const text = parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ")
  process.stderr.write(logLevel === "Info" ? `${text}\n` : `${logLevel.toLowerCase()}: ${text}\n`)
})

const program = Command.run(sniper, { version: manifest.version }).pipe(
  Effect.as(ExitCode.done as number),
  Effect.catchCause((cause) =>
    Effect.gen(function* () {
      const { code, line } = exitOf(cause)
      if (line !== undefined) yield* Console.error(line)
      return code
    }),
  ),
  Effect.provide(Layer.merge(NodeServices.layer, Logger.layer([stderrLogger]))),
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  // The program's value is the exit code; an interruption (SIGINT, SIGTERM) ends the fiber itself: 130.
  teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) ? (exit.value as number) : exitOf(exit.cause).code),
})
