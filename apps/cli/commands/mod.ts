/** Every subcommand of `sniper`; each file owns one. */
import { backend } from "./backend.ts"
import { chips } from "./chips.ts"
import { dataset } from "./dataset.ts"
import { detect } from "./detect.ts"
import { evalCommand } from "./eval.ts"
import { proposals } from "./proposals.ts"
import { synth } from "./synth.ts"
import { train } from "./train.ts"

export const subcommands = [train, backend, synth, dataset, chips, evalCommand, proposals, detect] as const
