import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { runCli } from "../run_cli.ts"

const tiny = {
  images: [
    { id: 1, width: 10, height: 10, file_name: "a.jpg" },
    { id: 2, width: 10, height: 10, file_name: "b.jpg" },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 3, bbox: [0, 0, 2, 2], area: 4, iscrowd: 0 },
    { id: 2, image_id: 1, category_id: 3, bbox: [0, 0, 5, 5], area: 25, iscrowd: 1 },
    { id: 3, image_id: 1, category_id: 3, bbox: [0, 0, 0, 5], area: 0, iscrowd: 0 },
  ],
  categories: [{ id: 3, name: "car" }],
}

function write(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "sniper-dataset-")), "a.json")
  writeFileSync(path, content)
  return path
}

describe("sniper dataset", () => {
  it("prints a JSON summary of a good file", { timeout: 120_000 }, () => {
    const path = write(JSON.stringify(tiny))
    const { status, stdout } = runCli(["dataset", "--annotations", path, "--json"])
    assert.strictEqual(status, 0)
    const summary = JSON.parse(stdout)
    assert.deepInclude(summary, {
      file: path,
      images: 2,
      categories: 1,
      annotations: 2,
      crowd: 1,
      zeroAreaDropped: 1,
      imagesWithoutAnnotations: 1,
    })
    assert.isAtLeast(summary.seconds, 0)
  })

  // Each run starts a Node process that imports every package: keep them few.
  it("exits 1 with one line naming the place for a negative width", { timeout: 120_000 }, () => {
    const content = JSON.stringify(tiny).replace("[0,0,2,2]", "[0,0,-5,10]")
    const { status, stderr } = runCli(["dataset", "--annotations", write(content)])
    assert.strictEqual(status, 1)
    const lines = stderr.trim().split("\n")
    assert.strictEqual(lines.length, 1, stderr)
    assert.include(lines[0], "annotations[0] (id 1) field bbox[2] expected a value greater than or equal to 0, got -5")
  })

  it("exits 1 with one line naming the byte for truncated JSON", { timeout: 120_000 }, () => {
    const content = JSON.stringify(tiny).slice(0, 100)
    const { status, stderr } = runCli(["dataset", "--annotations", write(content)])
    assert.strictEqual(status, 1)
    assert.match(
      stderr.trim(),
      /^sniper: Cannot parse ".*a\.json" at byte 100 \(in images\[1\]\): unexpected end of JSON input/,
    )
    assert.notInclude(stderr, "\n    at ")
  })

  it("lists every problem with --all-problems", { timeout: 120_000 }, () => {
    const content = JSON.stringify(tiny)
      .replace('"category_id":3', '"category_id":4')
      .replace("[0,0,5,5]", "[0,0,5,-1]")
    const { status, stderr } = runCli(["dataset", "--annotations", write(content), "--all-problems"])
    assert.strictEqual(status, 1)
    const lines = stderr.trim().split("\n")
    assert.strictEqual(lines.length, 3, stderr)
    assert.include(lines[0], "annotations[0] (id 1) field category_id names category 4")
    assert.include(lines[1], "annotations[1] (id 2) field bbox[3]")
    assert.include(lines[2], "sniper: 2 problems in")
  })
})

describe("sniper dataset --json", () => {
  it("prints the problems as one JSON object naming array, index, id and field", { timeout: 120_000 }, () => {
    const path = write(JSON.stringify(tiny).replace('"area":25', '"area":"x"'))
    const { status, stdout, stderr } = runCli(["dataset", "--annotations", path, "--json", "--all-problems"])
    assert.strictEqual(status, 1)
    const { problems, total } = JSON.parse(stdout)
    assert.strictEqual(total, 1)
    assert.deepInclude(problems[0], { array: "annotations", index: 1, id: 2, field: "area" })
    const line = `Cannot load "${path}": annotations[1] (id 2) field area expected number, got "x"`
    assert.strictEqual(problems[0].message, line)
    assert.strictEqual(stderr.trim(), `sniper: ${line}`)
  })
})
