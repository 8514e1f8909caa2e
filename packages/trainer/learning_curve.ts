/**
 * The run's learning curve: the val split's COCO numbers after every `test.everyEpochs` epochs and at the end,
 * in `curve.jsonl` (one point a line) and `ap_curve.svg`. A loss that falls says little about detection; this is
 * the number a user trains for, seen while the run goes.
 */
import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { type BadImageLog, loadDataset } from "@sniper/coco-io"
import type { Detector } from "@sniper/detector-model"
import { renderSvg } from "@sniper/evaluator"
import { Effect } from "effect"
import type { TrainConfig } from "./config.ts"
import { RunFileError } from "./errors.ts"
import { evaluateDetector } from "./evaluate.ts"
import { writeFileAtomic } from "./run_dir.ts"
import { workersFor } from "./worker_count.ts"

/** One evaluation: after `epoch` epochs (1-based count of finished epochs) and `step` steps of the detector. */
export interface CurvePoint {
  readonly epoch: number
  readonly step: number
  /** pycocotools' 12 numbers (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl). */
  readonly stats: ReadonlyArray<number>
  readonly images: number
  readonly seconds: number
}

export function curvePath(runDir: string): string {
  return join(runDir, "curve.jsonl")
}

function parsePoint(line: string): CurvePoint | undefined {
  try {
    const p = JSON.parse(line) as Record<string, unknown>
    const numbers = ["epoch", "step", "images", "seconds"].every((k) => typeof p[k] === "number")
    return numbers && Array.isArray(p.stats) && p.stats.length === 12 ? (p as unknown as CurvePoint) : undefined
  } catch {
    return undefined
  }
}

/** The points of a curve file's text in step order; a half-written line (a kill in mid-write) is dropped. */
export function parseCurve(text: string): Array<CurvePoint> {
  return text
    .split("\n")
    .map(parsePoint)
    .filter((p) => p !== undefined)
    .sort((a, b) => a.step - b.step)
}

/** The run folder's curve so far (none without a file). */
export const readCurve = Effect.fn("readCurve")(function* (runDir: string) {
  const path = curvePath(runDir)
  if (!existsSync(path)) return []
  const text = yield* Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (cause) => new RunFileError({ path, problem: cause instanceof Error ? cause.message : String(cause) }),
  })
  return parseCurve(text)
})

/**
 * The curve with `point` in its place: points at or past its step go (they belong to an attempt that a resume
 * replaced, or to the same evaluation done again), so the curve always follows the checkpoints.
 */
export function withPoint(curve: ReadonlyArray<CurvePoint>, point: CurvePoint): Array<CurvePoint> {
  return [...curve.filter((p) => p.step < point.step), point]
}

/** AP and AP50 against the step, one line each, points marked. */
export function curvePlotSpec(curve: ReadonlyArray<CurvePoint>, title: string): Parameters<typeof renderSvg>[0] {
  const values = curve.flatMap((p) => [
    { step: p.step, metric: "AP", value: p.stats[0] },
    { step: p.step, metric: "AP50", value: p.stats[1] },
  ])
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 480,
    height: 240,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "step", type: "quantitative", title: "step" },
      y: { field: "value", type: "quantitative", title: "val", scale: { domain: [0, 1] } },
      color: { field: "metric", type: "nominal", sort: ["AP", "AP50"], title: null },
    },
  } as Parameters<typeof renderSvg>[0]
}

/** Adds `point` to the run folder's curve (rewritten whole, atomically) and redraws `ap_curve.svg`. */
export const recordCurvePoint = Effect.fn("recordCurvePoint")(function* (
  runDir: string,
  point: CurvePoint,
  config: { readonly name: string },
) {
  const curve = withPoint(yield* readCurve(runDir), point)
  yield* writeFileAtomic(curvePath(runDir), curve.map((p) => `${JSON.stringify(p)}\n`).join(""))
  yield* renderSvg(curvePlotSpec(curve, `${config.name}: val AP against steps`)).pipe(
    Effect.flatMap((svg) => writeFileAtomic(join(runDir, "ap_curve.svg"), svg)),
    Effect.catchTag("PlotError", (error) => Effect.logWarning(`ap_curve.svg not drawn: ${error.message}`)),
  )
  return curve
})

/**
 * Evaluates `detector` on the val split as the final evaluation does (the config's test scales and `maxImages`),
 * without pictures or files beyond the curve, and adds the point.
 */
export const evaluateCurvePoint = Effect.fn("evaluateCurvePoint")(function* (
  detector: Detector,
  val: { readonly annotations: string; readonly images: string },
  config: TrainConfig,
  runDir: string,
  options: { readonly badImages: BadImageLog; readonly epoch: number; readonly step: number },
) {
  const valSet = yield* loadDataset(val.annotations, { keepZeroArea: true })
  const out = yield* evaluateDetector(detector, valSet, {
    ...config.test,
    imageRoot: val.images,
    workers: workersFor(config),
    ...options,
  })
  const stats = Array.from(out.evaluation.stats)
  const { epoch, step } = options
  yield* recordCurvePoint(runDir, { epoch, step, stats, images: out.images, seconds: out.seconds }, config)
  yield* Effect.logInfo(
    `after epoch ${epoch}/${config.epochs}: val AP ${stats[0].toFixed(3)}, AP50 ${stats[1].toFixed(3)} on ${out.images} images (${out.seconds.toFixed(0)} s)`,
  )
})
