import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { demoConfig } from "@sniper/trainer"
import { afterAll } from "vitest"
import { runCli } from "../run_cli.ts"

const made: Array<string> = []
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))))

describe("sniper proposals", () => {
  it("writes a run's proposals of every train image, capped per image, as a COCO results file", async () => {
    const root = await mkdtemp(join(tmpdir(), "sniper-proposals-"))
    made.push(root)
    const runDir = join(root, "run")
    const dataDir = join(root, "data")
    const configFile = join(root, "config.json")
    await writeFile(
      configFile,
      JSON.stringify({
        ...demoConfig,
        name: "cli-proposals",
        data: { synthetic: { images: 4, seed: 3, valFraction: 0.25 } },
      }),
    )
    const trained = runCli(
      ["train", "--config", configFile, "--run-dir", runDir, "--data-dir", dataDir, "--max-steps", "1", "--skip-eval"],
      { timeoutMs: 240_000 },
    )
    assert.strictEqual(trained.status, 0, trained.stderr)

    const out = join(root, "proposals.json")
    const args = ["proposals", "--run-dir", runDir, "--data-dir", dataDir, "--out", out, "--json"]
    const { status, stdout, stderr } = runCli([...args, "--max-per-image", "7", "--workers", "2"], {
      timeoutMs: 240_000,
    })
    assert.strictEqual(status, 0, stderr)
    assert.match(stderr, /on 2 worker threads/)
    const summary = JSON.parse(stdout)
    assert.strictEqual(summary.weights, join(runDir, "checkpoint.safetensors"))
    assert.strictEqual(summary.images, 3)
    const rows = JSON.parse(await readFile(out, "utf8")) as Array<{
      image_id: number
      bbox: Array<number>
      score: number
    }>
    assert.strictEqual(rows.length, summary.proposals)
    const perImage = new Map<number, number>()
    for (const r of rows) perImage.set(r.image_id, (perImage.get(r.image_id) ?? 0) + 1)
    assert.strictEqual(perImage.size, 3)
    for (const n of perImage.values()) assert.strictEqual(n, 7)
    for (const r of rows) assert.isTrue(r.bbox[2] >= 0 && r.bbox[3] >= 0 && r.score > 0 && r.score < 1)
    // In this thread: the same file, byte for byte.
    const single = join(root, "proposals_1.json")
    const again = runCli(
      [
        "proposals",
        "--run-dir",
        runDir,
        "--data-dir",
        dataDir,
        "--out",
        single,
        "--max-per-image",
        "7",
        "--workers",
        "1",
      ],
      {
        timeoutMs: 240_000,
      },
    )
    assert.strictEqual(again.status, 0, again.stderr)
    assert.notMatch(again.stderr, /worker threads/)
    assert.strictEqual(await readFile(single, "utf8"), await readFile(out, "utf8"))
  }, 480_000)

  it("fails with one line naming config.json when the folder is no run folder", () => {
    const { status, stderr } = runCli(["proposals", "--run-dir", join(tmpdir(), "no-such-run")])
    assert.strictEqual(status, 1)
    assert.include(stderr, "config.json")
    assert.strictEqual(stderr.trim().split("\n").length, 1)
  })
})
