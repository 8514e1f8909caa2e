import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { sharedDataOrSkip } from "@sniper/testing"
import { afterAll } from "vitest"
import { runCli, startCli } from "../run_cli.ts"
import { tinyOverlay } from "../train_fixtures.ts"

const made: Array<string> = []
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
const repository = resolve(fileURLToPath(import.meta.url), "../../../..")

describe("sniper train", () => {
  it("from npm run train anywhere: --config is relative to that folder and --run-dir is the user's", () => {
    const here = temp("npm-train-")
    writeFileSync(join(here, "typo.json"), JSON.stringify({ negative: { rpnEpochs: 1 } }))
    const out = spawnSync(
      "npm",
      ["--prefix", repository, "run", "-s", "train", "--", "--run-dir", "r", "--config", "typo.json"],
      {
        cwd: here,
        encoding: "utf8",
        timeout: 120_000,
      },
    )
    assert.strictEqual(out.status, 1, out.stderr)
    assert.strictEqual(
      out.stderr.trim(),
      'sniper: Cannot train: negative is not a configuration field; did you mean "negatives"? (in preset demo + typo.json)',
    )
  })

  it("stops on SIGINT with exit 130 and says how to resume; that command resumes; --log-level hides info lines", async () => {
    const dir = temp("cli-train-")
    const config = join(dir, "tiny.json")
    writeFileSync(config, JSON.stringify(tinyOverlay))
    const runDir = join(dir, "run")
    const dataDir = join(dir, "data")
    const first = startCli(["train", "--config", config, "--run-dir", runDir, "--data-dir", dataDir])
    // Signal once training is under way (a step has been logged).
    while (!/step 2(\/\d+)? loss/.test(first.stderr())) {
      if (first.child.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 100))
    }
    first.child.kill("SIGINT")
    assert.strictEqual(await first.exited, 130, first.stderr())
    assert.include(first.stderr(), `configuration tiny: preset demo + ${config}`)
    assert.include(first.stderr(), `sniper: interrupted; resume with: sniper train --run-dir "${runDir}"`)

    const mismatch = runCli([
      "train",
      "--run-dir",
      runDir,
      "--data-dir",
      dataDir,
      "--epochs",
      "3",
      "--log-level",
      "warn",
    ])
    assert.strictEqual(mismatch.status, 1)
    assert.include(mismatch.stderr, `sniper: Cannot resume the run in "${runDir}"`)
    assert.notInclude(mismatch.stderr, "configuration tiny")

    const resumed = runCli(["train", "--run-dir", runDir, "--data-dir", dataDir, "--skip-eval", "--json"])
    assert.strictEqual(resumed.status, 0, resumed.stderr)
    assert.include(resumed.stderr, `configuration tiny: ${join(runDir, "config.json")}`)
    assert.isTrue(JSON.parse(resumed.stdout).finished)
  }, 240_000)

  it("--extend trains a finished run for more epochs, in 2 workers; without it the longer schedule is refused", () => {
    const dir = temp("cli-extend-")
    const config = join(dir, "tiny.json")
    writeFileSync(config, JSON.stringify({ ...tinyOverlay, epochs: 1 }))
    const runDir = join(dir, "run")
    const common = ["--run-dir", runDir, "--data-dir", join(dir, "data"), "--skip-eval", "--json"]
    const first = runCli(["train", "--config", config, ...common, "--workers", "2"])
    assert.strictEqual(first.status, 0, first.stderr)
    const once = JSON.parse(first.stdout)
    assert.isTrue(once.finished)
    const refused = runCli(["train", ...common, "--epochs", "2"])
    assert.strictEqual(refused.status, 1)
    assert.include(refused.stderr, "epochs is 2 here but 1 in config.json (to train a run for more epochs, extend it)")
    const extended = runCli(["train", ...common, "--epochs", "2", "--extend", "--workers", "1"])
    assert.strictEqual(extended.status, 0, extended.stderr)
    const twice = JSON.parse(extended.stdout)
    assert.isTrue(twice.finished)
    assert.strictEqual(twice.steps, 2 * once.steps)
    assert.include(extended.stderr, `resuming at step ${once.steps}`)
  }, 240_000)

  it("trains a few steps on real COCO images with 80 classes from --train-annotations and evaluates them", () => {
    const coco = sharedDataOrSkip("coco", "sniper train on real COCO images")
    if (coco === undefined) return
    const dir = temp("cli-coco-")
    /** The first `n` images of a real instances file with all their annotations and all 80 categories. */
    const subset = (name: string, n: number) => {
      const full = JSON.parse(readFileSync(join(coco, "annotations", name), "utf8"))
      const images = full.images.slice(0, n)
      const ids = new Set(images.map((i: { id: number }) => i.id))
      const annotations = full.annotations.filter((a: { image_id: number }) => ids.has(a.image_id))
      const path = join(dir, name)
      writeFileSync(path, JSON.stringify({ images, annotations, categories: full.categories }))
      return path
    }
    const config = join(dir, "tiny.json")
    writeFileSync(
      config,
      JSON.stringify({ ...tinyOverlay, epochs: 1, chipsPerBatch: 4, test: { ...tinyOverlay.test, maxImages: 3 } }),
    )
    const runDir = join(dir, "run")
    const { status, stdout, stderr } = runCli(
      [
        "train",
        "--config",
        config,
        "--run-dir",
        runDir,
        "--train-annotations",
        subset("instances_train2017_cocomini.json", 3),
        "--train-images",
        join(coco, "images", "train2017"),
        "--val-annotations",
        subset("instances_val2017_cocomini.json", 3),
        "--val-images",
        join(coco, "images", "val2017"),
        "--json",
      ],
      { timeoutMs: 240_000 },
    )
    assert.strictEqual(status, 0, stderr)
    assert.include(stderr, "80 classes from the training data")
    const result = JSON.parse(stdout)
    assert.isTrue(result.finished)
    assert.isAbove(result.steps, 0)
    assert.strictEqual(result.skippedImages, 0)
    assert.strictEqual(result.stats.length, 12)
    for (const s of result.stats) assert.isTrue(s === -1 || (s >= 0 && s <= 1))
    const saved = JSON.parse(readFileSync(join(runDir, "config.json"), "utf8"))
    assert.strictEqual(saved.detector.numClasses, 80)
    // Detections name COCO's category ids (1..90 with gaps), through the 80-class head's contiguous indices.
    const detections: Array<{ category_id: number }> = JSON.parse(
      readFileSync(join(runDir, "detections_val.json"), "utf8"),
    )
    assert.isAbove(detections.length, 0)
    const gaps = [12, 26, 29, 30, 45, 66, 68, 69, 71, 83]
    for (const { category_id: id } of detections)
      assert.isTrue(Number.isInteger(id) && id >= 1 && id <= 90 && !gaps.includes(id), `category ${id}`)
  }, 240_000)
})
