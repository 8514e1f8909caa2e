import { Console, Effect, FileSystem, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { jsonFlag } from "./_flags.ts"
import { lazyImport } from "./lazy_import.ts"

/** `sniper eval --annotations GT.json --detections DET.json`: pycocotools' 12 bbox numbers, or JSON with per-category AP. */
export const evalCommand = Command.make(
  "eval",
  {
    annotations: Flag.String("annotations").pipe(Flag.withDescription("COCO instances JSON file (ground truth)")),
    detections: Flag.String("detections").pipe(
      Flag.withDescription("COCO results JSON file: an array of {image_id, category_id, bbox, score}"),
    ),
    json: jsonFlag,
    prCurve: Flag.String("pr-curve").pipe(
      Flag.withDescription("also draw the precision-recall curves into this .svg file"),
      Flag.optional,
    ),
  },
  ({ annotations, detections, json, prCurve }) =>
    Effect.gen(function* () {
      const { cocoBboxParams, evaluateFiles, formatStats, PlotError, prCurveSpec, renderSvg } = yield* lazyImport(
        () => import("@sniper/evaluator"),
      )
      if (Option.isSome(prCurve) && !prCurve.value.toLowerCase().endsWith(".svg")) {
        return yield* new PlotError({ problem: `the file must end in .svg, current value is "${prCurve.value}"` })
      }
      const { result, seconds, warnings } = yield* evaluateFiles(annotations, detections)
      for (const warning of warnings) yield* Console.error(`warning: ${warning.message}`)
      if (Option.isSome(prCurve)) {
        const svg = yield* renderSvg(prCurveSpec(result, cocoBboxParams))
        const fs = yield* FileSystem.FileSystem
        yield* fs.writeFileString(prCurve.value, svg)
      }
      if (!json) return yield* Console.log(formatStats(result.stats, result.params))
      const perCategory = Object.fromEntries(result.perCategory.map(({ name, ...rest }) => [name, rest] as const))
      const round = (x: number) => Math.round(x * 1000) / 1000
      yield* Console.log(
        JSON.stringify({
          stats: Array.from(result.stats),
          perCategory,
          seconds: round(seconds.total),
          secondsBy: {
            load: round(seconds.load),
            evaluate: round(seconds.evaluate),
            accumulate: round(seconds.accumulate),
          },
        }),
      )
    }),
).pipe(
  Command.withDescription(
    "COCO bbox evaluation with pycocotools' numbers: AP/AR at IoU .50:.95, areas and detection caps",
  ),
)
