/** Flags several subcommands share, so that they read and behave the same everywhere. */
import { Flag } from "effect/cli"

/** `--json`: the result as one JSON object on standard output instead of the text report. */
export const jsonFlag = Flag.Boolean("json").pipe(
  Flag.withDescription("print the result as one JSON object"),
  Flag.withDefault(false),
)

/** `--data-dir`: where the embedded synthetic data set is generated (or found) when a config names no data. */
export const dataDirFlag = Flag.String("data-dir").pipe(
  Flag.withDescription("where the synthetic data set is generated (or found) when the config names no data"),
  Flag.withDefault("runs/data"),
)
