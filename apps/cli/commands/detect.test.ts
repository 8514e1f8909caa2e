import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { decodeImageBytes, makeBadImageLog } from "@sniper/coco-io"
import { loadDetector, scopedDetector } from "@sniper/detector-model"
import { TensorRuntime } from "@sniper/tensor-runtime"
import { checkpointPath, evaluateOnVal } from "@sniper/trainer"
import { Effect } from "effect"
import { afterAll, beforeAll } from "vitest"
import { runCli } from "../run_cli.ts"
import { tinyDetectConfig, writeTinyRun } from "./detect_fixtures.ts"

let root: string
let run: { runDir: string; dataDir: string }
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "sniper-detect-"))
  run = await Effect.runPromise(writeTinyRun(root))
}, 120_000)
afterAll(() => rm(root, { recursive: true, force: true }))

interface Result {
  image_id: number
  category_id: number
  bbox: [number, number, number, number]
  score: number
}

const readJson = async <A>(path: string) => JSON.parse(await readFile(path, "utf8")) as A

/** Asserts every detection lies inside its image, whose size `sizeOf` gives by id. */
function assertInside(results: ReadonlyArray<Result>, sizeOf: (id: number) => { width: number; height: number }) {
  for (const { image_id, bbox } of results) {
    const { width, height } = sizeOf(image_id)
    const [x, y, w, h] = bbox
    assert.isTrue(x >= 0 && y >= 0 && w >= 0 && h >= 0, `${image_id}: ${bbox}`)
    assert.isTrue(x + w <= width + 1e-9 && y + h <= height + 1e-9, `${image_id}: ${bbox} in ${width}x${height}`)
  }
}

/** A picture's format by its first bytes, and its size as coco-io decodes it (so that it decodes at all). */
async function picture(path: string) {
  const bytes = await readFile(path)
  const format =
    bytes[0] === 0xff && bytes[1] === 0xd8 ? "jpeg" : bytes.subarray(1, 4).toString() === "PNG" ? "png" : "?"
  const { width, height } = await Effect.runPromise(decodeImageBytes(bytes, { imageId: 0, fileName: path }))
  return { format, width, height }
}

describe("sniper detect", () => {
  it("gives exactly the detections of the trainer's final evaluation on the same run and images, on 2 worker threads vs 1", async () => {
    const annotations = join(run.dataDir, "annotations", "instances_val.json")
    const images = join(run.dataDir, "images", "val")
    const out = join(root, "same-as-trainer")
    const { status, stderr } = runCli([
      "detect",
      "--run-dir",
      run.runDir,
      "--images",
      images,
      "--annotations",
      annotations,
      "--out",
      out,
      "--workers",
      "2",
    ])
    assert.strictEqual(status, 0, stderr)
    assert.match(stderr, /on 2 worker threads/)
    const evalDir = await mkdtemp(join(tmpdir(), "sniper-detect-eval-"))
    const config = tinyDetectConfig()
    await Effect.runPromise(
      Effect.gen(function* () {
        const detector = yield* scopedDetector(config.detector, { seed: 0 })
        yield* loadDetector(checkpointPath(run.runDir), detector)
        yield* evaluateOnVal(detector, { annotations, images }, config, evalDir, {
          badImages: yield* makeBadImageLog,
          workers: 1,
        })
      }).pipe(Effect.scoped, Effect.provide(TensorRuntime.layerQuiet)),
    )
    const order = (rs: ReadonlyArray<Result>) =>
      [...rs].sort((a, b) => a.image_id - b.image_id || b.score - a.score || a.category_id - b.category_id)
    const fromDetect = order(await readJson<Array<Result>>(join(out, "detections.json")))
    const fromTrainer = order(await readJson<Array<Result>>(join(evalDir, "detections_val.json")))
    assert.isAbove(fromDetect.length, 0)
    assert.deepStrictEqual(fromDetect, fromTrainer)
    await rm(evalDir, { recursive: true, force: true })
  }, 120_000)

  it("runs a folder against its ground truth: results, a picture per image, 12 numbers, table and curves", async () => {
    const out = join(root, "out-gt")
    const annotations = join(run.dataDir, "annotations", "instances_val.json")
    const images = join(run.dataDir, "images", "val")
    const args = ["detect", "--run-dir", run.runDir, "--images", images, "--out", out, "--annotations", annotations]
    const { status, stdout, stderr } = runCli([...args, "--score", "0.1"])
    assert.strictEqual(status, 0, stderr)
    const numbers = stdout.split("\n").filter((l) => /^ Average (Precision|Recall) .* = (\d\.\d{3}|-1\.000)$/.test(l))
    assert.strictEqual(numbers.length, 12, stdout)
    assert.match(stderr, /^2\/2 images, [\d.]+ images\/s, done$/m)

    const gt = await readJson<{ images: Array<{ id: number; file_name: string; width: number; height: number }> }>(
      annotations,
    )
    const byId = new Map(gt.images.map((image) => [image.id, image]))
    const results = await readJson<Array<Result>>(join(out, "detections.json"))
    assert.isAbove(results.length, 0)
    assert.deepStrictEqual([...new Set(results.map((r) => r.image_id))].sort(), [...byId.keys()].sort())
    assertInside(results, (id) => byId.get(id)!)
    for (const image of gt.images) {
      const format = image.file_name.endsWith(".png") ? "png" : "jpeg"
      assert.deepStrictEqual(await picture(join(out, image.file_name)), {
        format,
        width: image.width,
        height: image.height,
      })
    }
    const table = await readFile(join(out, "per_category.md"), "utf8")
    for (const name of ["disc", "square", "triangle", "star", "ring", "cross"])
      assert.match(table, new RegExp(`^\\| ${name} \\| `, "m"))
    assert.match(await readFile(join(out, "pr_curve.svg"), "utf8"), /^<svg[^>]*>/)
  })

  it("runs files with --weights and --config: skips and names a corrupt one, keeps same-named pictures apart", async () => {
    const out = join(root, "out-files")
    const other = join(root, "other")
    await mkdir(other, { recursive: true })
    const first = join(run.dataDir, "images", "val", "000003.jpg")
    const twin = join(other, "000003.jpg") // another image under the same name
    await copyFile(join(run.dataDir, "images", "train", "000002.jpg"), twin)
    const broken = join(other, "broken.jpg")
    await writeFile(broken, "this is no JPEG")
    const { status, stdout, stderr } = runCli([
      "detect",
      ...["--weights", join(run.runDir, "checkpoint.safetensors"), "--config", join(run.runDir, "config.json")],
      ...["--images", first, "--images", broken, twin, "--out", out, "--score", "0.1", "--json"],
    ])
    assert.strictEqual(status, 0, stderr)
    assert.match(stderr, /skipped: .*broken\.jpg/)
    const summary = JSON.parse(stdout)
    assert.strictEqual(summary.images, 2)
    assert.isAbove(summary.drawn, 0) // the untrained detector scores about 1/7 everywhere, above --score 0.1
    assert.deepStrictEqual(
      summary.skipped.map((s: { file: string }) => s.file),
      [broken],
    )
    const listed = await readJson<{
      images: Array<{ id: number; file_name: string; width: number; height: number; picture: string }>
    }>(join(out, "images.json"))
    assert.deepStrictEqual(
      listed.images.map((i) => [i.id, i.file_name, i.picture]),
      [
        [1, first, join(out, "000003.jpg")],
        [3, twin, join(out, "000003-2.jpg")],
      ],
    )
    for (const image of listed.images) {
      const size = await picture(image.file_name)
      assert.deepStrictEqual({ format: "jpeg", width: image.width, height: image.height }, size)
      assert.deepStrictEqual(await picture(image.picture), size)
    }
    const results = await readJson<Array<Result>>(join(out, "detections.json"))
    assert.strictEqual(results.length, summary.detections)
    assert.deepStrictEqual([...new Set(results.map((r) => r.image_id))].sort(), [1, 3])
    assertInside(results, (id) => listed.images.find((i) => i.id === id)!)
  })

  it("exits non-zero with a one-line reason when no image can be read", async () => {
    const broken = join(root, "only-broken.png")
    await writeFile(broken, new Uint8Array(64))
    const { status, stderr } = runCli([
      "detect",
      "--run-dir",
      run.runDir,
      "--images",
      broken,
      "--out",
      join(root, "none"),
    ])
    assert.strictEqual(status, 1)
    const lines = stderr.trim().split("\n")
    assert.match(
      lines[lines.length - 1],
      /^sniper: Cannot run detect: --images gave 1 image\(s\) and none could be read/,
    )
    assert.include(lines[lines.length - 1], "only-broken.png")
  })

  it("names an image the ground truth lacks, and asks for a model, in one line each", () => {
    const train = join(run.dataDir, "images", "train")
    const annotations = join(run.dataDir, "annotations", "instances_val.json")
    const missing = runCli([
      "detect",
      "--run-dir",
      run.runDir,
      "--images",
      train,
      "--out",
      join(root, "x"),
      "--annotations",
      annotations,
    ])
    assert.strictEqual(missing.status, 1)
    assert.match(
      missing.stderr.trim(),
      /^sniper: Cannot run detect: --annotations .*image ".*000001\.png" is not in it/,
    )
    assert.strictEqual(missing.stderr.trim().split("\n").length, 1)
    const noModel = runCli(["detect", "--images", train, "--out", join(root, "x")])
    assert.strictEqual(noModel.status, 1)
    assert.match(
      noModel.stderr.trim(),
      /^sniper: Cannot run detect: --run-dir is needed, or --weights FILE with --config FILE/,
    )
    assert.strictEqual(noModel.stderr.trim().split("\n").length, 1)
  })
})
