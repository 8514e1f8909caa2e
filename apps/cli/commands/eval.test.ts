import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
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

describe("sniper eval text report and --pr-curve", () => {
  // one 100x100 dog (large: over 96^2) found by a 100x150 box: IoU 10000/15000 = .667 passes the thresholds
  // .50 .55 .60 .65 of ten, so AP = AR = .4, AP50 = 1, AP75 = 0
  const gt = {
    images: [{ id: 1, width: 300, height: 200, file_name: "a.jpg" }],
    annotations: [{ id: 1, image_id: 1, category_id: 2, bbox: [50, 50, 100, 100], area: 10000, iscrowd: 0 }],
    categories: [{ id: 2, name: "dog" }],
  }
  const dt = [{ image_id: 1, category_id: 2, bbox: [50, 50, 100, 150], score: 0.9 }]

  it("prints pycocotools' 12 lines and draws the curves into an .svg file", { timeout: 120_000 }, async () => {
    const annotations = write("gt.json", JSON.stringify(gt))
    const detections = write("dt.json", JSON.stringify(dt))
    const svg = join(mkdtempSync(join(tmpdir(), "sniper-eval-")), "pr.svg")
    const { status, stdout, stderr } = runCli([
      "eval",
      ...["--annotations", annotations, "--detections", detections, "--pr-curve", svg],
    ])
    assert.strictEqual(status, 0, stderr)
    const values = stdout
      .trim()
      .split("\n")
      .map((line) => line.split(" = ")[1])
    assert.deepStrictEqual(values, [
      ...["0.400", "1.000", "0.000", "-1.000", "-1.000", "0.400"],
      ...["0.400", "0.400", "0.400", "-1.000", "-1.000", "0.400"],
    ])
    assert.match(
      stdout.split("\n")[1],
      /^ Average Precision {2}\(AP\) @\[ IoU=0\.50 {6}\| area= {3}all \| maxDets=100 \] =/,
    )
    const picture = readFileSync(svg, "utf8")
    assert.match(picture, /^<svg /)
    for (const label of ["recall", "precision", "IoU=0.50", "IoU=0.75"]) assert.include(picture, `>${label}<`)
  })

  it("refuses a --pr-curve file that is not .svg before evaluating", { timeout: 120_000 }, () => {
    const annotations = write("gt.json", JSON.stringify(gt))
    const { status, stdout, stderr } = runCli([
      "eval",
      ...["--annotations", annotations, "--detections", "/nonexistent.json", "--pr-curve", "pr.png"],
    ])
    assert.strictEqual(status, 1)
    assert.strictEqual(stdout, "")
    assert.strictEqual(
      stderr.trim(),
      'sniper: Cannot draw the precision-recall curve: the file must end in .svg, current value is "pr.png"',
    )
  })
})
