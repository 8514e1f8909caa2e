/**
 * The run folder's `loss.svg`: each loss term against the step, and the learning rate below on its own axis, as a
 * Vega-Lite spec rendered by the evaluator's `renderSvg`. Long runs are thinned to at most `maxPoints` steps.
 */
import { join } from "node:path"
import { renderSvg } from "@sniper/evaluator"
import { Effect } from "effect"
import { writeFileAtomic } from "./run_dir.ts"
import type { LogRecord } from "./run_log.ts"

type Spec = Parameters<typeof renderSvg>[0]

/** The loss terms drawn, in legend order. */
export const lossTerms = ["total", "rpnClass", "rpnBox", "roiClass", "roiBox"] as const

/** Every `k`-th record (and the last), k the smallest that keeps at most `maxPoints`. */
export function thinRecords(records: ReadonlyArray<LogRecord>, maxPoints: number): ReadonlyArray<LogRecord> {
  if (records.length <= maxPoints) return records
  const k = Math.ceil(records.length / maxPoints)
  const kept = records.filter((_, i) => i % k === 0)
  if (kept[kept.length - 1] !== records[records.length - 1]) kept[kept.length - 1] = records[records.length - 1]
  return kept
}

/**
 * The picture's spec: losses (one line a term) above the learning rate, both against the step on the same
 * domain (first to last step, not rounded), `width` x `height` px each.
 */
export function lossPlotSpec(
  records: ReadonlyArray<LogRecord>,
  options: {
    readonly title?: string
    readonly maxPoints?: number
    readonly width?: number
    readonly height?: number
  } = {},
): Spec {
  const shown = thinRecords(records, options.maxPoints ?? 1000)
  const first = shown.length === 0 ? 0 : shown[0].step
  const last = shown.length === 0 ? 1 : Math.max(first + 1, shown[shown.length - 1].step)
  const x = { field: "step", type: "quantitative", scale: { domain: [first, last], nice: false }, title: "step" }
  const width = options.width ?? 560
  const height = options.height ?? 240
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Training losses and learning rate",
    vconcat: [
      {
        width,
        height,
        data: { values: shown.flatMap((r) => lossTerms.map((term) => ({ step: r.step, term, loss: r[term] }))) },
        mark: { type: "line", strokeWidth: 1 },
        encoding: {
          x,
          y: { field: "loss", type: "quantitative", title: "loss" },
          color: { field: "term", type: "nominal", sort: [...lossTerms], title: null },
        },
      },
      {
        width,
        height: Math.round(height / 2),
        data: { values: shown.map((r) => ({ step: r.step, lr: r.lr })) },
        mark: { type: "line", strokeWidth: 1, color: "#555" },
        encoding: {
          x,
          y: { field: "lr", type: "quantitative", title: "learning rate", scale: { nice: false, zero: true } },
        },
      },
    ],
  } as Spec
}

/** Redraws `loss.svg` in the run folder from the run's records. */
export const writeLossPlot = Effect.fn("writeLossPlot")(function* (
  runDir: string,
  records: ReadonlyArray<LogRecord>,
  options: { readonly title?: string } = {},
) {
  const svg = yield* renderSvg(lossPlotSpec(records, options))
  yield* writeFileAtomic(join(runDir, "loss.svg"), svg)
})
