/**
 * Benchmarks of the annotation side, one JSON line each (ratio = baseline / ours):
 * - loadDataset on a generated train2017-like file, 120k images and 1M boxes (goal: under 15 s, peak RSS under
 *   1.5 GB), each run in a fresh process so its peak RSS is its own; baseline: JSON.parse of the whole text.
 * - loadDataset on the real-data folder's instances_val2017_resampled.json (goal: under 1 s), cold in a fresh process and
 *   warm in this one; baseline: JSON.parse of the whole text.
 * - readDetections / writeDetections of 500k detections; baselines: JSON.parse then a Map lookup a row, and
 *   JSON.stringify of an array of objects.
 * Each line has wall ms and CPU ms (user + system of this process or the child): the machine is shared, and CPU
 * time is what a quiet machine's wall time would be, as every step here runs on one thread.
 * Run: npm run bench (in packages/coco-io). The generated files live in a temp folder removed at the end.
 */
import { spawnSync } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { sharedData } from "@sniper/testing"
import { Effect } from "effect"
import { tempDir } from "../json_fixtures.ts"
import { type Dataset, type Detections, loadDataset, readDetections, writeDetections } from "../mod.ts"
import { writeBigInstances } from "./big_instances_fixtures.ts"

const self = fileURLToPath(import.meta.url)
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits
const peakRssMB = () => round(process.resourceUsage().maxRSS / 1024)
const cpuMs = () => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/** Runs this file in a fresh process in `mode` on `file`; returns the JSON it prints. */
function child(mode: string, file: string): { ms: number; cpuMs: number; peakRssMB: number; count: number } {
  const out = spawnSync(process.execPath, ["--max-old-space-size=8192", self, mode, file], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  })
  if (out.status !== 0) throw new Error(`bench child ${mode} failed: ${out.stderr}`)
  return JSON.parse(out.stdout.trim().split("\n").at(-1)!)
}

async function childMain(mode: string, file: string) {
  const t0 = performance.now()
  const c0 = cpuMs()
  let count: number
  if (mode === "--load") {
    const dataset = await Effect.runPromise(loadDataset(file))
    count = dataset.annotations.count
  } else {
    const parsed = JSON.parse(readFileSync(file, "utf8"))
    count = parsed.annotations.length
  }
  const ms = round(performance.now() - t0)
  console.log(JSON.stringify({ ms, cpuMs: round(cpuMs() - c0), peakRssMB: peakRssMB(), count }))
}

interface Timing {
  readonly ms: number
  readonly cpuMs: number
}

/** Median wall and CPU ms of `runs` calls after one warm-up. */
async function median<T>(runs: number, f: () => Promise<T>): Promise<Timing> {
  await f()
  const wall: number[] = []
  const cpu: number[] = []
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    const c0 = cpuMs()
    await f()
    wall.push(performance.now() - t0)
    cpu.push(cpuMs() - c0)
  }
  const middle = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(runs / 2)]
  return { ms: middle(wall), cpuMs: middle(cpu) }
}

/** One JSON line; ratio = baseline / ours, on CPU time. */
function line(fields: Record<string, unknown>, ours: Timing, baseline: Timing) {
  console.log(
    JSON.stringify({
      ...fields,
      ms: round(ours.ms),
      cpuMs: round(ours.cpuMs),
      baselineMs: round(baseline.ms),
      baselineCpuMs: round(baseline.cpuMs),
      ratio: round(baseline.cpuMs / ours.cpuMs, 2),
    }),
  )
}

async function bigFile(dir: string) {
  const path = join(dir, "instances_big.json")
  const bytes = writeBigInstances(path, { images: 120_000, boxes: 1_000_000 })
  const ours = child("--load", path)
  const baseline = child("--parse", path)
  rmSync(path)
  line(
    {
      bench: "loadDataset",
      file: "generated: 120000 images, 1000000 boxes",
      megabytes: round(bytes / 1e6),
      annotations: ours.count,
      peakRssMB: ours.peakRssMB,
      baselinePeakRssMB: baseline.peakRssMB,
      goal: "ms < 15000, peakRssMB < 1536",
    },
    ours,
    baseline,
  )
}

async function valFile() {
  const path = sharedData("coco/annotations/instances_val2017_resampled.json")
  if (path === undefined) {
    console.log(JSON.stringify({ bench: "loadDataset", skipped: "no real-data folder (set SNIPER_SHARED_DATA)" }))
    return undefined
  }
  const cold = child("--load", path)
  const coldBaseline = child("--parse", path)
  line(
    { bench: "loadDataset", file: "instances_val2017_resampled.json", process: "fresh", goal: "ms < 1000" },
    cold,
    coldBaseline,
  )
  let dataset: Dataset | undefined
  const warm = await median(5, async () => {
    dataset = await Effect.runPromise(loadDataset(path))
  })
  const warmBaseline = await median(5, async () => JSON.parse(readFileSync(path, "utf8")))
  line({ bench: "loadDataset", file: "instances_val2017_resampled.json", process: "warm" }, warm, warmBaseline)
  return dataset
}

async function results(dir: string, loaded: Dataset | undefined) {
  const dataset = loaded ?? (await Effect.runPromise(loadDataset(smallInstances(dir))))
  const n = 500_000
  const detections: Detections = {
    count: n,
    image: new Int32Array(n),
    category: new Int32Array(n),
    bbox: new Float64Array(4 * n),
    score: new Float64Array(n),
  }
  let seed = 1
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
  for (let k = 0; k < n; k++) {
    detections.image[k] = Math.floor(random() * dataset.images.count)
    detections.category[k] = Math.floor(random() * dataset.categories.count)
    detections.score[k] = round(random(), 4)
    for (let j = 0; j < 4; j++) detections.bbox[4 * k + j] = round(random() * 600, 2)
  }
  const path = join(dir, "results.json")
  const write = await median(3, () => Effect.runPromise(writeDetections(path, dataset, detections)))
  const writeBaseline = await median(3, async () => {
    const objects = []
    for (let k = 0; k < n; k++) {
      const b = detections.bbox.subarray(4 * k, 4 * k + 4)
      objects.push({
        image_id: dataset.images.id[detections.image[k]],
        category_id: dataset.categories.id[detections.category[k]],
        bbox: [b[0], b[1], b[2], b[3]],
        score: detections.score[k],
      })
    }
    writeFileSync(join(dir, "baseline.json"), JSON.stringify(objects))
  })
  line({ bench: "writeDetections", n }, write, writeBaseline)
  const read = await median(3, () => Effect.runPromise(readDetections(path, dataset)))
  const readBaseline = await median(3, async () => {
    const rows = JSON.parse(readFileSync(path, "utf8")) as Array<{ image_id: number; category_id: number }>
    const image = new Int32Array(rows.length)
    for (let k = 0; k < rows.length; k++) image[k] = dataset.imageRow(rows[k].image_id)
    return image
  })
  line({ bench: "readDetections", n, goal: "ms < 1000" }, read, readBaseline)
}

/** A val2017-sized instances file, for when there is no real-data folder. */
function smallInstances(dir: string): string {
  const path = join(dir, "instances_small.json")
  writeBigInstances(path, { images: 5000, boxes: 36_000 })
  return path
}

async function main() {
  const dir = tempDir("coco-io-bench-")
  try {
    const dataset = await valFile()
    await results(dir, dataset)
    await bigFile(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const [mode, file] = process.argv.slice(2)
if (mode === "--load" || mode === "--parse") await childMain(mode, file)
else await main()
