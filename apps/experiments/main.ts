#!/usr/bin/env node
/** `npm run experiment -- <name> [--quick] [--out DIR] [--seeds N] [--plan]`: one experiment, end to end. */
import { resolve } from "node:path"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { TensorRuntime } from "@sniper/tensor-runtime"
import { Console, Effect, Layer, Logger, Option } from "effect"
import { Argument, CliError, Command, Flag } from "effect/cli"
import { BadFlag } from "./errors.ts"
import { experimentNames, experiments } from "./experiments.ts"
import { epochCount } from "./format.ts"
import { invocationDir } from "./invocation_dir.ts"
import manifest from "./package.json" with { type: "json" }
import { planExperiment } from "./plan_experiment.ts"
import { quickExperiment } from "./quick.ts"
import { runExperiment } from "./run_experiment.ts"
import { summaryTable } from "./summary_table.ts"

const from = invocationDir(process.env, process.cwd())

const command = Command.make(
  "experiment",
  {
    name: Argument.Literals("name", experimentNames).pipe(Argument.withDescription("the experiment to run")),
    quick: Flag.Boolean("quick").pipe(
      Flag.withDescription("a few steps an arm on 10 tiny images, one seed: checks the whole path in a minute or two"),
      Flag.withDefault(false),
    ),
    out: Flag.String("out").pipe(
      Flag.withDescription("the results root; the experiment writes <out>/<name>/ (<name>-quick/ with --quick)"),
      Flag.withDefault("results"),
    ),
    seeds: Flag.Int("seeds").pipe(Flag.withDescription("train seeds 1..N (default 3, 1 with --quick)"), Flag.optional),
    plan: Flag.Boolean("plan").pipe(
      Flag.withDescription("print the budget and each arm's epochs, chips and pixels for seed 1, and train nothing"),
      Flag.withDefault(false),
    ),
  },
  (flags) =>
    Effect.gen(function* () {
      const chosen = experiments.find((e) => e.name === flags.name)!
      const experiment = flags.quick ? quickExperiment(chosen) : chosen
      const out = resolve(from, flags.out)
      const seeds = Option.getOrUndefined(flags.seeds)
      if (seeds !== undefined && seeds < 1)
        return yield* new BadFlag({ flag: "seeds", problem: `must be at least 1, got ${seeds}` })
      if (flags.plan) {
        const plan = yield* planExperiment(experiment, { out })
        const { unit, like, epochs } = experiment.budget
        yield* Console.log(`${experiment.name}: budget ${unit} of ${like} in ${epochCount(epochs)} = ${plan.target}`)
        for (const a of plan.arms) {
          const t = a.training
          yield* Console.log(
            t === undefined
              ? `  ${a.arm}: sized after its RPN stage (chips of ${a.chipSize} px)`
              : `  ${a.arm}: ${epochCount(a.epochs ?? 0)}, ${t.chips} chips of ${a.chipSize} px, ${(t.inputPixels / 1e6).toFixed(1)} M input px, ${(t.imagePixels / 1e6).toFixed(1)} M image px`,
          )
        }
        return
      }
      const { summary } = yield* runExperiment(experiment, { out, seeds })
      yield* Console.log(summaryTable(summary))
    }).pipe(Effect.provide(TensorRuntime.layerQuiet)),
).pipe(
  Command.withDescription(
    "Run an experiment: every arm through the trainer and the evaluator for every seed, then summary.json, summary.md and plots. Rerun to resume; finished arms are kept. Exit codes: 0 done, 1 failed, 2 bad flags",
  ),
)

/** Log lines on standard error, info lines as they are, others marked with their level. */
const stderrLogger = Logger.make(({ logLevel, message }) => {
  const parts = Array.isArray(message) ? message : [message]
  const text = parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ")
  process.stderr.write(logLevel === "Info" ? `${text}\n` : `${logLevel.toLowerCase()}: ${text}\n`)
})

const program = Command.run(command, { version: manifest.version }).pipe(
  Effect.catch((error: unknown) =>
    Effect.sync(() => {
      // effect/cli has printed its help and errors already.
      const usage = CliError.isCliError(error) || (error as { _tag?: string })._tag === "BadFlag"
      if (!CliError.isCliError(error))
        process.stderr.write(`experiment: ${(error as Error).message ?? String(error)}\n`)
      process.exitCode = usage ? 2 : 1
    }),
  ),
  Effect.provide(Layer.merge(NodeServices.layer, Logger.layer([stderrLogger]))),
)

NodeRuntime.runMain(program)
