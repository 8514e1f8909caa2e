/** pycocotools' `summarize()`: the 12 standard numbers and their printed lines. */
import type { Accumulated } from "./accumulate.ts"
import type { CocoParams } from "./params.ts"

/** One of the 12 numbers: AP or AR, one IoU threshold or all, an area label, a detection cap. */
export interface StatSpec {
  readonly ap: boolean
  readonly iou?: number
  readonly area: string
  readonly maxDets: number
}

/** The 12 numbers pycocotools prints for bbox, in its order. */
export const statSpecs: ReadonlyArray<StatSpec> = [
  { ap: true, area: "all", maxDets: 100 },
  { ap: true, iou: 0.5, area: "all", maxDets: 100 },
  { ap: true, iou: 0.75, area: "all", maxDets: 100 },
  { ap: true, area: "small", maxDets: 100 },
  { ap: true, area: "medium", maxDets: 100 },
  { ap: true, area: "large", maxDets: 100 },
  { ap: false, area: "all", maxDets: 1 },
  { ap: false, area: "all", maxDets: 10 },
  { ap: false, area: "all", maxDets: 100 },
  { ap: false, area: "small", maxDets: 100 },
  { ap: false, area: "medium", maxDets: 100 },
  { ap: false, area: "large", maxDets: 100 },
]

/**
 * Mean of the entries above -1 of precision (AP) or recall (AR) over the chosen slice; -1 when there are none.
 * `categories` restricts the mean to some category rows (all by default).
 */
export function summaryStat(
  acc: Accumulated,
  params: CocoParams,
  spec: StatSpec & { readonly categories?: ReadonlyArray<number> },
): number {
  const { T, R, K, A, M } = acc.shape
  const a = params.areaLabels.indexOf(spec.area)
  const m = params.maxDets.indexOf(spec.maxDets)
  const ts = spec.iou === undefined ? [...Array(T).keys()] : [params.iouThresholds.indexOf(spec.iou)]
  const ks = spec.categories ?? [...Array(K).keys()]
  if (a < 0 || m < 0 || ts[0] < 0) return -1
  let sum = 0
  let n = 0
  for (const t of ts) {
    for (const k of ks) {
      if (spec.ap) {
        for (let r = 0; r < R; r++) {
          const v = acc.precision[(((t * R + r) * K + k) * A + a) * M + m]
          if (v > -1) {
            sum += v
            n++
          }
        }
      } else {
        const v = acc.recall[((t * K + k) * A + a) * M + m]
        if (v > -1) {
          sum += v
          n++
        }
      }
    }
  }
  return n === 0 ? -1 : sum / n
}

/** The 12 numbers. */
export function summarize(acc: Accumulated, params: CocoParams): Float64Array {
  return Float64Array.from(statSpecs, (spec) => summaryStat(acc, params, spec))
}

/** pycocotools' printed lines, e.g. " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.372". */
export function formatStats(stats: ArrayLike<number>, params: CocoParams): string {
  const lo = params.iouThresholds[0].toFixed(2)
  const hi = params.iouThresholds[params.iouThresholds.length - 1].toFixed(2)
  return statSpecs
    .map((spec, i) => {
      const title = (spec.ap ? "Average Precision" : "Average Recall").padEnd(18)
      const kind = spec.ap ? "(AP)" : "(AR)"
      const iou = (spec.iou === undefined ? `${lo}:${hi}` : spec.iou.toFixed(2)).padEnd(9)
      const area = spec.area.padStart(6)
      const dets = String(spec.maxDets).padStart(3)
      return ` ${title} ${kind} @[ IoU=${iou} | area=${area} | maxDets=${dets} ] = ${formatFixed3(stats[i])}`
    })
    .join("\n")
}

/**
 * Python's "{:0.3f}": correctly rounded like toFixed, except that exact ties (x = j/16, j odd, e.g. 0.0625) go to the
 * even digit where toFixed rounds up.
 */
export function formatFixed3(x: number): string {
  // x * 16 is exact; x * 1000 is not (0.0375 * 1000 rounds to 37.5 though 0.0375 is stored below it)
  const sixteenths = x * 16
  if (Number.isInteger(sixteenths) && sixteenths % 2 !== 0) {
    const down = Math.floor(x * 1000) // exact here: j/16 * 1000 = 62.5 j
    return ((down % 2 === 0 ? down : down + 1) / 1000).toFixed(3)
  }
  return x.toFixed(3)
}
