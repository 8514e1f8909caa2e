import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { runCli } from "../run_cli.ts"

// category 3: a 20x20 object and a zero-width one (area 0, kept as pycocotools keeps it); category 7: a large one
const instances = {
  images: [
    { id: 1, width: 640, height: 480, file_name: "a.jpg" },
    { id: 2, width: 640, height: 480, file_name: "b.jpg" },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 3, bbox: [0, 0, 20, 20], area: 400, iscrowd: 0 },
    { id: 2, image_id: 2, category_id: 7, bbox: [10, 10, 200, 100], area: 20000, iscrowd: 0 },
    { id: 3, image_id: 1, category_id: 3, bbox: [50, 50, 0, 30], area: 0, iscrowd: 0 },
  ],
  categories: [
    { id: 3, name: "car" },
    { id: 7, name: "bus" },
  ],
}
const hits = [
  { image_id: 1, category_id: 3, bbox: [0, 0, 20, 20], score: 0.8 },
  { image_id: 2, category_id: 7, bbox: [10, 10, 200, 100], score: 0.7 },
]

function write(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "sniper-eval-")), name)
  writeFileSync(path, content)
  return path
}

describe("sniper eval", () => {
  // Each run starts a Node process that imports every package: keep them few.
  it("prints pycocotools' numbers and one warning line for unknown categories", { timeout: 120_000 }, () => {
    const gt = write("gt.json", JSON.stringify(instances))
    const strays = [
      { image_id: 1, category_id: 4, bbox: [0, 0, 20, 20], score: 0.99 },
      { image_id: 2, category_id: 4, bbox: [0, 0, 9, 9], score: 0.5 },
    ]
    const dt = write("dt.json", JSON.stringify([...strays, ...hits]))
    const { status, stdout, stderr } = runCli(["eval", "--annotations", gt, "--detections", dt, "--json"])
    assert.strictEqual(status, 0, stderr)
    assert.deepStrictEqual(stderr.trim().split("\n"), [
      `warning: 2 detections in "${dt}" name category ids not in "${gt}" (4): ignored, as pycocotools does`,
    ])
    // car: 1 of 2 found (the zero-width one cannot be) -> AP 51/101 (precision 1 up to recall .5), AR .5;
    // bus: AP 1, AR 1; the stats average the two where both have ground truth
    const { stats, perCategory } = JSON.parse(stdout) as {
      stats: number[]
      perCategory: Record<string, { ap: number }>
    }
    const ap = (51 / 101 + 1) / 2
    const expected = [ap, ap, ap, 51 / 101, -1, 1, 0.75, 0.75, 0.75, 0.5, -1, 1]
    expected.forEach((v, i) => {
      assert.closeTo(stats[i], v, 1e-12, `stat ${i}`)
    })
    assert.closeTo(perCategory.car.ap, 51 / 101, 1e-12)
  })

  it("exits 1 with one line naming file, index and field for a NaN score", { timeout: 120_000 }, () => {
    const gt = write("gt.json", JSON.stringify(instances))
    const dt = write(
      "dt.json",
      `[${JSON.stringify(hits[0])}, {"image_id": 2, "category_id": 7, "bbox": [1, 2, 3, 4], "score": NaN}]`,
    )
    const { status, stderr } = runCli(["eval", "--annotations", gt, "--detections", dt])
    assert.strictEqual(status, 1)
    const lines = stderr.trim().split("\n")
    assert.strictEqual(lines.length, 1, stderr)
    assert.include(lines[0], `Cannot load "${dt}": results[1] (id 2) field score is NaN, expected a finite number`)
  })
})
