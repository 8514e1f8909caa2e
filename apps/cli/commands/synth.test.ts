import { mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { afterAll } from "vitest"
import { runCli } from "../run_cli.ts"

const made: Array<string> = []
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))))

describe("sniper synth", () => {
  it("writes a small data set and prints its summary as JSON", async () => {
    const out = await mkdtemp(join(tmpdir(), "sniper-synth-"))
    made.push(out)
    const { status, stdout } = runCli(["synth", "--out", out, "--images", "3", "--seed", "4", "--json"])
    assert.strictEqual(status, 0)
    const summary = JSON.parse(stdout)
    assert.strictEqual(summary.train.images + summary.val.images, 3)
    assert.deepStrictEqual((await readdir(join(out, "annotations"))).sort(), [
      "instances_train.json",
      "instances_val.json",
    ])
  }, 120_000)
  it("refuses a bad flag value with one line and exit 2, an unwritable folder with exit 1", () => {
    for (const args of [
      ["--images", "0"],
      ["--images", "99999999999"],
      ["--images", "2", "--val-fraction", "1.5"],
    ]) {
      const { status, stderr } = runCli(["synth", "--out", join(tmpdir(), "never-written"), ...args])
      assert.strictEqual(status, 2)
      assert.match(stderr.trim(), /^sniper: Cannot generate data set: --\S+ must [^\n]*$/)
    }
    const { status, stderr } = runCli(["synth", "--out", "/etc/passwd/x", "--images", "1"])
    assert.strictEqual(status, 1)
    assert.strictEqual(stderr.trim().split("\n").length, 1)
    assert.include(stderr, "Cannot write synthetic data set file")
  }, 120_000)
})
