import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { jsonFlag } from "./_flags.ts"
import { lazyImport } from "./lazy_import.ts"

/** `sniper dataset --annotations FILE`: load a COCO instances file and print its summary or its problems. */
export const dataset = Command.make(
  "dataset",
  {
    annotations: Flag.String("annotations").pipe(Flag.withDescription("COCO instances JSON file to load")),
    allProblems: Flag.Boolean("all-problems").pipe(
      Flag.withDescription("list every problem of the file instead of stopping at the first"),
      Flag.withDefault(false),
    ),
    json: jsonFlag,
  },
  ({ annotations, allProblems, json }) =>
    Effect.gen(function* () {
      const started = performance.now()
      const { loadDataset, summarizeDataset } = yield* lazyImport(() => import("@sniper/coco-io"))
      const loaded = yield* loadDataset(annotations, { allProblems }).pipe(
        Effect.tapError((error) =>
          error._tag === "CocoProblems" ? report(error.problems, error.total, json) : Effect.void,
        ),
      )
      const seconds = Math.round(performance.now() - started) / 1000
      const { boxesPerCategory: _, ...summary } = summarizeDataset(loaded)
      if (json) return yield* Console.log(JSON.stringify({ ...summary, seconds }))
      yield* Console.log(
        [
          `dataset ${summary.file}`,
          `  images         ${summary.images} (${summary.imagesWithoutAnnotations} without annotations)`,
          `  categories     ${summary.categories}`,
          `  annotations    ${summary.annotations} (${summary.crowd} crowd)`,
          `  zero-area boxes dropped ${summary.zeroAreaDropped}`,
          `  seconds        ${seconds}`,
        ].join("\n"),
      )
    }),
).pipe(Command.withDescription("Load a COCO annotation file and print a summary, or every problem it has"))

/** Prints each problem on its own line (or as JSON) before the command fails with the one-line message. */
function report(
  problems: ReadonlyArray<{ readonly message: string; readonly _tag: string }>,
  total: number,
  json: boolean,
) {
  if (json) {
    const list = problems.map((problem) => ({ ...problem, message: problem.message }))
    return Console.log(JSON.stringify({ problems: list, total }))
  }
  return Console.error(problems.map((problem) => problem.message).join("\n"))
}
