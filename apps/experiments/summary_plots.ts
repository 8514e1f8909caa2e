/**
 * The summary's pictures as Vega-Lite specs (rendered to SVG by the evaluator's `renderSvg`): AP against training
 * pixels, and AP by object size; error bars are one standard deviation over seeds.
 */
import type { renderSvg } from "@sniper/evaluator"
import type { ExperimentSummary, Spread } from "./summary.ts"

type Spec = Parameters<typeof renderSvg>[0]

const schema = "https://vega.github.io/schema/vega-lite/v6.json"

/** One colour an arm, in the experiment's arm order, with the whole label in the legend. */
function armColor(summary: ExperimentSummary) {
  const labels = summary.arms.map((a) => a.label)
  return {
    field: "arm",
    type: "nominal",
    title: null,
    sort: labels,
    scale: { domain: labels },
    legend: { labelLimit: 400 },
  }
}

/** A point with its error bar; undefined for pycocotools' -1 (no objects of that size). */
function bar(s: Spread): { readonly ap: number; readonly lo: number; readonly hi: number } | undefined {
  return s.mean === -1 ? undefined : { ap: s.mean, lo: s.mean - s.std, hi: s.mean + s.std }
}

/** AP (mean over seeds) against millions of training pixels, one panel for network input and one for image pixels. */
export function apVsPixelsSpec(summary: ExperimentSummary): Spec {
  const values = summary.arms.flatMap((a) => {
    const point = bar(a.AP)
    if (point === undefined) return []
    return [
      { arm: a.label, pixels: "network input pixels", mpx: a.inputPixels.mean / 1e6, ...point },
      { arm: a.label, pixels: "image pixels", mpx: a.imagePixels.mean / 1e6, ...point },
    ]
  })
  const x = { field: "mpx", type: "quantitative", scale: { type: "log" }, title: "training pixels (millions, log)" }
  const color = armColor(summary)
  return {
    $schema: schema,
    title: `${summary.experiment}: AP against training pixels`,
    data: { values },
    facet: {
      column: { field: "pixels", type: "nominal", title: null, sort: ["network input pixels", "image pixels"] },
    },
    spec: {
      width: 320,
      height: 260,
      layer: [
        {
          mark: { type: "rule" },
          encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
        },
        {
          mark: { type: "point", filled: true, size: 80 },
          encoding: {
            x,
            y: { field: "ap", type: "quantitative", title: "AP (COCO .50:.95)" },
            color,
            shape: color,
          },
        },
      ],
    },
  } as Spec
}

/** APs, APm and APl per arm as grouped bars. */
export function apBySizeSpec(summary: ExperimentSummary): Spec {
  const sizes = [
    ["APs", "small (< 32² px)"],
    ["APm", "medium"],
    ["APl", "large (> 96² px)"],
  ] as const
  const values = summary.arms.flatMap((a) =>
    sizes.flatMap(([name, size]) => {
      const point = bar(a[name])
      return point === undefined ? [] : [{ arm: a.label, size, ...point }]
    }),
  )
  const x = {
    field: "size",
    type: "nominal",
    sort: sizes.map(([, s]) => s),
    title: "object size",
    axis: { labelAngle: 0 },
  }
  const xOffset = { field: "arm", type: "nominal", sort: summary.arms.map((a) => a.label) }
  const color = armColor(summary)
  return {
    $schema: schema,
    title: `${summary.experiment}: AP by object size`,
    width: 480,
    height: 280,
    data: { values },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          x,
          xOffset,
          y: { field: "ap", type: "quantitative", title: "AP (COCO .50:.95)" },
          color,
        },
      },
      {
        mark: { type: "rule", color: "black" },
        encoding: { x, xOffset, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
    ],
  } as Spec
}
