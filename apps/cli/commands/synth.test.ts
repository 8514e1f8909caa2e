import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
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
    const { status, stdout } = runCli([
      "synth",
      "--out",
      out,
      "--images",
      "3",
      "--seed",
      "4",
      "--long-side",
      "100..120",
      "--json",
    ])
    assert.strictEqual(status, 0)
    const summary = JSON.parse(stdout)
    assert.strictEqual(summary.train.images + summary.val.images, 3)
    const { images } = JSON.parse(await readFile(join(out, "annotations", "instances_train.json"), "utf8"))
    for (const { width, height } of images as Array<{ width: number; height: number }>)
      assert.isTrue(Math.max(width, height) >= 100 && Math.max(width, height) <= 120, `${width}x${height}`)
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
      ["--images", "2", "--long-side", "300..200"],
      ["--images", "2", "--long-side", "32..200"],
      ["--images", "2", "--long-side", "200"],
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

describe("sniper synth text report", () => {
  it("splits 4 images half and half, counts the boxes it wrote, and repeats itself for a seed", async () => {
    const [a, b] = [await mkdtemp(join(tmpdir(), "sniper-synth-")), await mkdtemp(join(tmpdir(), "sniper-synth-"))]
    made.push(a, b)
    const args = ["--images", "4", "--seed", "2", "--val-fraction", "0.5"]
    const { status, stdout } = runCli(["synth", "--out", a, ...args])
    assert.strictEqual(status, 0)
    const lines = stdout.trim().split("\n")
    assert.match(lines[0], new RegExp(`^synth data set in ${a} \\(seed 2, [\\d.]+ s, [\\d.]+ MB\\)$`))
    for (const [i, split] of [
      [1, "train"],
      [2, "val"],
    ] as const) {
      const file = JSON.parse(await readFile(join(a, "annotations", `instances_${split}.json`), "utf8"))
      assert.strictEqual(file.images.length, 2)
      assert.match(
        lines[i],
        new RegExp(`^ {2}${split} +2 images, ${file.annotations.length} boxes \\(\\d+ under 16 px`),
      )
    }
    assert.strictEqual(lines[3], "  classes disc, square, triangle, star, ring, cross")
    assert.strictEqual(runCli(["synth", "--out", b, ...args, "--json"]).status, 0)
    const train = (dir: string) => readFile(join(dir, "annotations", "instances_train.json"), "utf8")
    assert.strictEqual(await train(b), await train(a))
  }, 120_000)
})
