/** Precision-recall curves from an evaluation, and their picture (Vega-Lite, rendered to SVG by Vega in Node). */
import { Effect, Schema } from "effect"
import * as vega from "vega"
import { compile, type TopLevelSpec } from "vega-lite"
import type { Accumulated } from "./accumulate.ts"
import type { CocoParams } from "./params.ts"

/** Which slice of the precision array a curve averages. */
export interface CurveOptions {
  /** IoU threshold, e.g. 0.5; all of .50:.95 averaged when left out */
  readonly iou?: number
  /** contiguous category rows to average; all by default */
  readonly categories?: ReadonlyArray<number>
  readonly area?: string
  readonly maxDets?: number
}

/**
 * Precision at each recall threshold (params.recallThresholds), averaged over the chosen IoU thresholds and
 * categories, skipping -1 (no ground truth); -1 where nothing is left.
 */
export function precisionCurve(acc: Accumulated, params: CocoParams, options: CurveOptions = {}): Float64Array {
  const { T, R, K, A, M } = acc.shape
  const a = params.areaLabels.indexOf(options.area ?? "all")
  const m = params.maxDets.indexOf(options.maxDets ?? params.maxDets[params.maxDets.length - 1])
  const ts = options.iou === undefined ? [...Array(T).keys()] : [params.iouThresholds.indexOf(options.iou)]
  if (a < 0 || m < 0 || ts[0] < 0) {
    throw new RangeError(`Cannot draw a precision curve: no such slice, current value is ${JSON.stringify(options)}`)
  }
  const ks = options.categories ?? [...Array(K).keys()]
  const curve = new Float64Array(R)
  for (let r = 0; r < R; r++) {
    let sum = 0
    let n = 0
    for (const t of ts) {
      for (const k of ks) {
        const v = acc.precision[(((t * R + r) * K + k) * A + a) * M + m]
        if (v > -1) {
          sum += v
          n++
        }
      }
    }
    curve[r] = n === 0 ? -1 : sum / n
  }
  return curve
}

/** The standard picture: IoU .50, .75 and the .50:.95 mean over all categories (area all, 100 detections). */
export function prCurveSpec(
  acc: Accumulated,
  params: CocoParams,
  options: { readonly title?: string } = {},
): TopLevelSpec {
  const series: Array<{ name: string; curve: Float64Array }> = [
    { name: "IoU=0.50", curve: precisionCurve(acc, params, { iou: 0.5 }) },
    { name: "IoU=0.75", curve: precisionCurve(acc, params, { iou: 0.75 }) },
    { name: "IoU=0.50:0.95", curve: precisionCurve(acc, params) },
  ]
  const values = series.flatMap(({ name, curve }) =>
    Array.from(curve, (precision, r) => ({ series: name, recall: params.recallThresholds[r], precision })).filter(
      (point) => point.precision > -1,
    ),
  )
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Precision-recall (COCO bbox, area all, 100 detections)",
    width: 480,
    height: 360,
    data: { values },
    mark: { type: "line", interpolate: "step-after" },
    encoding: {
      x: { field: "recall", type: "quantitative", scale: { domain: [0, 1] } },
      y: { field: "precision", type: "quantitative", scale: { domain: [0, 1] } },
      color: { field: "series", type: "nominal", title: null },
    },
  }
}

/** Vega failed to render the picture. */
export class PlotError extends Schema.TaggedError<PlotError>()("PlotError", {
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot draw the precision-recall curve: ${this.problem}`
  }
}

/** Renders a Vega-Lite spec to an SVG document, headless. */
export const renderSvg = Effect.fn("renderSvg")(function* (spec: TopLevelSpec) {
  return yield* Effect.tryPromise({
    try: () => new vega.View(vega.parse(compile(spec).spec), { renderer: "none" }).toSVG(),
    catch: (cause) => new PlotError({ problem: cause instanceof Error ? cause.message : String(cause) }),
  })
})
