import { Flag } from "effect/cli"

/** `--workers N` of the commands that run a detector over images (`detect`, `proposals`). */
export const imageWorkersFlag = Flag.Int("workers").pipe(
  Flag.withDescription(
    "worker threads for the images, each with a replica of the detector (default: the config's workers, else one per core that memory holds; 1: in this thread). The results do not depend on it",
  ),
  Flag.optional,
)
