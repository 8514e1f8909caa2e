/**
 * Benchmarks, one JSON line each: IoU matrix 2000 x 2000, NMS over 10,000 clustered boxes, Gaussian Soft-NMS over
 * 2,000, batched NMS; each against the array-of-objects baseline in the same process (ratio = baseline / ours).
 * Run: npm run bench (in packages/boxes).
 */
import { baselineIouMatrix, baselineNms, baselineSoftNms, toDets } from "./baseline_fixtures.ts"
import { batchedNms, iouMatrix, nms, softNms } from "./mod.ts"
import { clustered } from "./synthetic_fixtures.ts"

interface Timing {
  readonly median: number
  readonly min: number
  readonly cpu: number
}

/**
 * Times of `runs` calls after one warm-up, in ms: median and min wall time, and median CPU time of this process
 * (user + system), which a busy shared machine inflates less than wall time.
 */
function time(runs: number, f: () => unknown): Timing {
  f()
  const wall: number[] = []
  const cpu: number[] = []
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    f()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  return { median: median(wall), min: Math.min(...wall), cpu: median(cpu) }
}

/** One JSON line: median wall times as ms / baselineMs / ratio, then minima and CPU times beside them. */
function report(fields: Record<string, unknown>, ours: Timing, baseline: Timing): void {
  const round = (x: number) => Math.round(x * 1000) / 1000
  console.log(
    JSON.stringify({
      ...fields,
      ms: round(ours.median),
      baselineMs: round(baseline.median),
      ratio: round(baseline.median / ours.median),
      minMs: round(ours.min),
      baselineMinMs: round(baseline.min),
      cpuMs: round(ours.cpu),
      baselineCpuMs: round(baseline.cpu),
    }),
  )
}

{
  const a = clustered(2000, 1).boxes
  const b = clustered(2000, 2).boxes
  const da = toDets(a)
  const db = toDets(b)
  const ms = time(9, () => iouMatrix(a, b))
  const baselineMs = time(3, () => baselineIouMatrix(da, db))
  report({ bench: "iouMatrix", n: 2000, m: 2000 }, ms, baselineMs)
}

{
  const { boxes, scores } = clustered(10_000, 3)
  const dets = toDets(boxes, scores)
  const keep = nms(boxes, scores, { iouThreshold: 0.5 })
  const agree = keep.join() === baselineNms(dets, 0.5).join()
  const ms = time(21, () => nms(boxes, scores, { iouThreshold: 0.5 }))
  const baselineMs = time(3, () => baselineNms(dets, 0.5))
  report({ bench: "nms", n: 10_000, iouThreshold: 0.5, kept: keep.length, agree }, ms, baselineMs)
  const ms7 = time(21, () => nms(boxes, scores, { iouThreshold: 0.7 }))
  const baselineMs7 = time(3, () => baselineNms(dets, 0.7))
  report({ bench: "nms", n: 10_000, iouThreshold: 0.7 }, ms7, baselineMs7)
}

{
  const { boxes, scores, classes } = clustered(10_000, 4)
  const dets = toDets(boxes, scores)
  const perClass = () => {
    const out: number[] = []
    for (let c = 0; c < 80; c++)
      out.push(
        ...baselineNms(
          dets.filter((d) => classes[d.index] === c),
          0.5,
        ),
      )
    return out.sort((x, y) => scores[y] - scores[x] || x - y)
  }
  const agree = batchedNms(boxes, scores, classes, { iouThreshold: 0.5 }).join() === perClass().join()
  const ms = time(21, () => batchedNms(boxes, scores, classes, { iouThreshold: 0.5 }))
  const baselineMs = time(3, perClass)
  report({ bench: "batchedNms", n: 10_000, classes: 80, agree }, ms, baselineMs)
}

{
  const { boxes, scores } = clustered(2000, 5)
  const dets = toDets(boxes, scores)
  const options = { method: "gaussian", sigma: 0.55, iouThreshold: 0.3, scoreThreshold: 0.001 } as const
  const got = softNms(boxes, scores, options)
  const agree = got.keep.join() === baselineSoftNms(dets, options).keep.join()
  const ms = time(9, () => softNms(boxes, scores, options))
  const baselineMs = time(3, () => baselineSoftNms(dets, options))
  report({ bench: "softNms", method: "gaussian", n: 2000, kept: got.keep.length, agree }, ms, baselineMs)
}
