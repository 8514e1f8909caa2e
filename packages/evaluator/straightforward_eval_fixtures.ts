/**
 * The baseline: pycocotools' rules written the plain way (objects, maps keyed by strings, nested loops, a full
 * T x D x G pass per image, category and area range), for the benchmark's ratio and as an independent check of the
 * columnar code in tests. Annotations are taken as given (zero-area boxes too: IoU 0 with everything, so they only
 * count in recall). Not exported from mod.ts.
 */
import { cocoIouMatrix } from "@sniper/boxes"
import type { Accumulated } from "./accumulate.ts"
import { cocoBboxParams } from "./params.ts"
import { summarize } from "./summarize.ts"

export interface JsonBox {
  readonly id?: number
  readonly image_id: number
  readonly category_id: number
  readonly bbox: ReadonlyArray<number>
  readonly area?: number
  readonly iscrowd?: number
  readonly score?: number
}

interface EvalImg {
  dtScores: number[]
  dtMatched: boolean[][] // [t][d]
  dtIgnore: boolean[][]
  gtIgnore: boolean[]
}

/** Stats of `results` against `annotations` over the images and categories given. */
export function straightforwardEval(
  imageIds: ReadonlyArray<number>,
  categoryIds: ReadonlyArray<number>,
  annotations: ReadonlyArray<JsonBox>,
  results: ReadonlyArray<JsonBox>,
): Accumulated & { stats: Float64Array } {
  const p = cocoBboxParams
  const imgs = [...new Set(imageIds)].sort((a, b) => a - b)
  const cats = [...new Set(categoryIds)].sort((a, b) => a - b)
  const gts = new Map<string, JsonBox[]>()
  const dts = new Map<string, Array<JsonBox & { area: number }>>()
  for (const g of annotations) {
    const key = `${g.image_id},${g.category_id}`
    const list = gts.get(key) ?? []
    list.push(g)
    gts.set(key, list)
  }
  // pycocotools' _prepare: only the ground truth's categories (loadRes keeps results of others; they are never read)
  for (const d of results.filter((r) => cats.includes(r.category_id))) {
    const key = `${d.image_id},${d.category_id}`
    const list = dts.get(key) ?? []
    list.push({ ...d, area: d.bbox[2] * d.bbox[3] })
    dts.set(key, list)
  }
  const maxDet = p.maxDets[p.maxDets.length - 1]
  // IoU once per image and category, detections sorted by score (stable) and cut to maxDet, as pycocotools does
  const ious = new Map<string, number[][]>()
  for (const img of imgs) {
    for (const cat of cats) {
      const key = `${img},${cat}`
      const gt = gts.get(key) ?? []
      const dt = [...(dts.get(key) ?? [])].sort((x, y) => y.score! - x.score!).slice(0, maxDet)
      dts.set(key, dt)
      const matrix = cocoIouMatrix(
        Float64Array.from(dt.flatMap((d) => d.bbox)),
        Float64Array.from(gt.flatMap((g) => g.bbox)),
        gt.map((g) => g.iscrowd === 1),
      )
      ious.set(
        key,
        dt.map((_, i) => Array.from(matrix.subarray(i * gt.length, (i + 1) * gt.length))),
      )
    }
  }
  const evalImgs = new Map<string, EvalImg>()
  for (const cat of cats) {
    for (let a = 0; a < p.areaRanges.length; a++) {
      const [lo, hi] = p.areaRanges[a]
      for (const img of imgs) {
        const gt0 = gts.get(`${img},${cat}`) ?? []
        const dt0 = dts.get(`${img},${cat}`) ?? []
        if (gt0.length === 0 && dt0.length === 0) continue
        const withIgnore = gt0.map((g, column) => ({
          g,
          column,
          ignore: g.iscrowd === 1 || g.area! < lo || g.area! > hi,
        }))
        const gt = [...withIgnore.filter((x) => !x.ignore), ...withIgnore.filter((x) => x.ignore)]
        const dt = dt0
        const iou = ious.get(`${img},${cat}`)!
        const dtMatched: boolean[][] = []
        const dtIgnore: boolean[][] = []
        for (const thr of p.iouThresholds) {
          const gtTaken = gt.map(() => false)
          const matched: boolean[] = []
          const ignored: boolean[] = []
          for (let di = 0; di < dt.length; di++) {
            const d = dt[di]
            let best = Math.min(thr, 1 - 1e-10)
            let m = -1
            for (let j = 0; j < gt.length; j++) {
              if (gtTaken[j] && gt[j].g.iscrowd !== 1) continue
              if (m > -1 && !gt[m].ignore && gt[j].ignore) break
              const v = iou[di][gt[j].column]
              if (v < best) continue
              best = v
              m = j
            }
            if (m === -1) {
              matched.push(false)
              ignored.push(d.area < lo || d.area > hi)
            } else {
              gtTaken[m] = true
              matched.push(true)
              ignored.push(gt[m].ignore)
            }
          }
          dtMatched.push(matched)
          dtIgnore.push(ignored)
        }
        evalImgs.set(`${cat},${a},${img}`, {
          dtScores: dt.map((d) => d.score!),
          dtMatched,
          dtIgnore,
          gtIgnore: gt.map((x) => x.ignore),
        })
      }
    }
  }
  const T = p.iouThresholds.length
  const R = p.recallThresholds.length
  const K = cats.length
  const A = p.areaRanges.length
  const M = p.maxDets.length
  const precision = new Float64Array(T * R * K * A * M).fill(-1)
  const recall = new Float64Array(T * K * A * M).fill(-1)
  const scores = new Float64Array(T * R * K * A * M).fill(-1)
  cats.forEach((cat, k) => {
    for (let a = 0; a < A; a++) {
      p.maxDets.forEach((cap, m) => {
        const E = imgs.map((img) => evalImgs.get(`${cat},${a},${img}`)).filter((e) => e !== undefined)
        const entries = E.flatMap((e) =>
          e.dtScores.slice(0, cap).map((score, d) => ({
            score,
            matched: e.dtMatched.map((row) => row[d]),
            ignored: e.dtIgnore.map((row) => row[d]),
          })),
        )
        entries.sort((x, y) => y.score - x.score)
        const npig = E.reduce((n, e) => n + e.gtIgnore.filter((ig) => !ig).length, 0)
        if (npig === 0) return
        for (let t = 0; t < T; t++) {
          let tp = 0
          let fp = 0
          const rc: number[] = []
          const pr: number[] = []
          for (const e of entries) {
            if (e.matched[t] && !e.ignored[t]) tp++
            if (!e.matched[t] && !e.ignored[t]) fp++
            rc.push(tp / npig)
            pr.push(tp / (fp + tp + 2.220446049250313e-16))
          }
          recall[((t * K + k) * A + a) * M + m] = rc.length > 0 ? rc[rc.length - 1] : 0
          for (let i = pr.length - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i]
          p.recallThresholds.forEach((thr, r) => {
            const i = rc.findIndex((v) => v >= thr)
            precision[(((t * R + r) * K + k) * A + a) * M + m] = i === -1 ? 0 : pr[i]
            scores[(((t * R + r) * K + k) * A + a) * M + m] = i === -1 ? 0 : entries[i].score
          })
        }
      })
    }
  })
  const accumulated = { shape: { T, R, K, A, M }, precision, recall, scores }
  return { ...accumulated, stats: summarize(accumulated, p) }
}
