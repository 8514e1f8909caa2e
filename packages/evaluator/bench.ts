/**
 * Benchmark on a generated val2017-sized case (5,000 images, 80 categories, ~36k ground-truth boxes, 100 detections
 * an image): our evaluator (load, evaluate, accumulate, peak RSS) against the straightforward implementation of the
 * same rules in the same run. Prints one JSON object a line.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { loadDataset, readDetections } from "@sniper/coco-io"
import { Effect, Random } from "effect"
import { evaluateBoxes } from "./mod.ts"
import { type JsonBox, straightforwardEval } from "./straightforward_eval_fixtures.ts"

const IMAGES = Number(process.env.SNIPER_BENCH_IMAGES ?? 5000)
const CATEGORIES = 80
const PER_IMAGE = 100

/** COCO-like ids with gaps (1..90 minus 10) and boxes of all sizes; detections near the truth plus clutter. */
const generate = Effect.gen(function* () {
  const rng = yield* Random.Random
  const u = () => rng.nextDoubleUnsafe()
  const r2 = (x: number) => Math.round(x * 100) / 100
  const categoryIds = Array.from({ length: CATEGORIES }, (_, i) => i + 1 + Math.floor(i / 8))
  const images = Array.from({ length: IMAGES }, (_, i) => {
    const id = 100_000 + i * 7
    return { id, width: 640, height: 480, file_name: `${String(id).padStart(12, "0")}.jpg` }
  })
  const annotations: JsonBox[] = []
  const results: JsonBox[] = []
  for (const image of images) {
    const boxes: Array<{ bbox: number[]; category_id: number }> = []
    const count = Math.floor(u() * 15)
    for (let j = 0; j < count; j++) {
      const w = Math.exp(Math.log(4) + u() * Math.log(100)),
        h = w * (0.5 + u())
      const bbox = [r2(u() * (640 - Math.min(w, 600))), r2(u() * (480 - Math.min(h, 460))), r2(w), r2(h)]
      const category_id = categoryIds[Math.floor(u() * CATEGORIES)]
      const iscrowd = u() < 0.01 ? 1 : 0
      annotations.push({
        id: annotations.length + 1,
        image_id: image.id,
        category_id,
        bbox,
        area: r2(w * h * 0.8),
        iscrowd,
      })
      boxes.push({ bbox, category_id })
    }
    let n = 0
    for (const b of boxes) {
      for (let c = 0; c < 2 && n < PER_IMAGE; c++, n++) {
        const [x, y, w, h] = b.bbox
        const j = () => 1 + (u() - 0.5) * 0.3
        const bbox = [r2(x + (u() - 0.5) * w * 0.2), r2(y + (u() - 0.5) * h * 0.2), r2(w * j()), r2(h * j())]
        results.push({ image_id: image.id, category_id: b.category_id, bbox, score: Math.round(u() * 1e5) / 1e5 })
      }
    }
    for (; n < PER_IMAGE; n++) {
      const w = 5 + u() * 200,
        h = 5 + u() * 200
      const category_id =
        boxes.length > 0 && u() < 0.7
          ? boxes[Math.floor(u() * boxes.length)].category_id
          : categoryIds[Math.floor(u() * CATEGORIES)]
      results.push({
        image_id: image.id,
        category_id,
        bbox: [r2(u() * 600), r2(u() * 440), r2(w), r2(h)],
        score: Math.round(u() * 6e4) / 1e5,
      })
    }
  }
  return {
    gt: {
      images,
      categories: categoryIds.map((id) => ({ id, name: `class${id}`, supercategory: "thing" })),
      annotations,
    },
    results,
  }
}).pipe(Random.withSeed(2017))

// The case is written by a child process, so this process's peak RSS is the evaluator's alone.
if (process.argv[2] === "--write-case") {
  const { gt, results } = Effect.runSync(generate)
  writeFileSync(join(process.argv[3], "instances.json"), JSON.stringify(gt))
  writeFileSync(join(process.argv[3], "detections.json"), JSON.stringify(results))
  console.log(JSON.stringify({ gt: gt.annotations.length, detections: results.length }))
  process.exit(0)
}
const folder = mkdtempSync(join(tmpdir(), "sniper-eval-bench-"))
const gtPath = join(folder, "instances.json")
const dtPath = join(folder, "detections.json")
const written = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--write-case", folder], {
  encoding: "utf8",
})
if (written.status !== 0) throw new Error(`Cannot write the benchmark case: ${written.stderr}`)
const { gt: gtCount, detections: dtCount } = JSON.parse(written.stdout) as { gt: number; detections: number }
const since = (t0: number) => (performance.now() - t0) / 1000
const round = (x: number, digits = 3) => Number(x.toFixed(digits))

// ours: load both files with coco-io, evaluate, accumulate (wall seconds, and CPU seconds of this process, which
// on a loaded machine say more than wall time)
const cpuSeconds = () => {
  const used = process.cpuUsage()
  return (used.user + used.system) / 1e6
}
const c0 = cpuSeconds()
const t0 = performance.now()
const dataset = await Effect.runPromise(loadDataset(gtPath))
const detections = await Effect.runPromise(readDetections(dtPath, dataset))
const loadSeconds = since(t0)
const c1 = cpuSeconds()
const result = evaluateBoxes(dataset, detections)
const total = since(t0)
const c2 = cpuSeconds()
const cpu = c2 - c0
const peakRssMb = process.resourceUsage().maxRSS / 1024
const size = { images: IMAGES, categories: CATEGORIES, gt: gtCount, detections: dtCount }
console.log(
  JSON.stringify({
    bench: "coco-eval",
    ...size,
    loadS: round(loadSeconds),
    evaluateS: round(result.seconds.evaluate),
    accumulateS: round(result.seconds.accumulate),
    totalS: round(total),
    loadCpuS: round(c1 - c0),
    evaluateAccumulateCpuS: round(c2 - c1),
    totalCpuS: round(cpu),
    peakRssMb: Math.round(peakRssMb),
    ap: round(result.stats[0], 4),
  }),
)

// baseline: parse into objects, then the plain implementation (SNIPER_BENCH_BASELINE=0 skips it)
if (process.env.SNIPER_BENCH_BASELINE !== "0") baselineRun()
if (!process.env.SNIPER_BENCH_KEEP) rmSync(folder, { recursive: true, force: true })

function baselineRun() {
  const c2 = process.cpuUsage()
  const t2 = performance.now()
  const baseGt = JSON.parse(readFileSync(gtPath, "utf8"))
  const baseDt = JSON.parse(readFileSync(dtPath, "utf8"))
  const ids = (xs: ReadonlyArray<{ id: number }>) => xs.map((x) => x.id)
  const baseStats = straightforwardEval(ids(baseGt.images), ids(baseGt.categories), baseGt.annotations, baseDt).stats
  const baseline = since(t2)
  const baseUsed = process.cpuUsage(c2)
  const baselineCpu = (baseUsed.user + baseUsed.system) / 1e6
  const agree = Math.max(...Array.from(baseStats, (v, i) => Math.abs(v - result.stats[i])))
  console.log(
    JSON.stringify({
      bench: "coco-eval-vs-straightforward",
      ...size,
      s: round(total),
      baselineS: round(baseline),
      ratio: round(baseline / total, 1),
      cpuS: round(cpu),
      baselineCpuS: round(baselineCpu),
      cpuRatio: round(baselineCpu / cpu, 1),
      maxStatDifference: agree,
    }),
  )
}
