import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { decodeImage, writeOverlay } from "@sniper/coco-io"
import { Effect } from "effect"
import { afterAll, beforeAll } from "vitest"
import { runCli } from "../run_cli.ts"

/**
 * Two 200 x 100 images; image 1 holds one 20 x 20 box, image 2 none. The box is 20 px, so of COCO's valid ranges
 * ([0, 80), [32, 150), [120, inf)) only the finest scale's (3x: 600 x 300) takes it: one positive chip there.
 */
const instances = {
  images: [
    { id: 1, width: 200, height: 100, file_name: "a.png" },
    { id: 2, width: 200, height: 100, file_name: "b.png" },
  ],
  annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 }],
  categories: [{ id: 1, name: "thing" }],
}

let root = ""
let annotations = ""
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "sniper-chips-"))
  await mkdir(join(root, "annotations"))
  await mkdir(join(root, "images", "val"), { recursive: true })
  annotations = join(root, "annotations", "instances_val.json")
  await writeFile(annotations, JSON.stringify(instances))
  const gray = { width: 200, height: 100, pixels: new Uint8Array(200 * 100 * 3).fill(90) }
  const blank = ({ width, height }: { width: number; height: number }) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"></svg>`
  for (const name of ["a.png", "b.png"]) {
    await Effect.runPromise(writeOverlay(gray, { out: join(root, "images", "val", name), overlay: blank }))
  }
})
afterAll(() => rm(root, { recursive: true, force: true }))

describe("sniper chips", () => {
  it("reports one epoch's chips and pixels as JSON (paper mode, hand-computed)", () => {
    const { status, stdout, stderr } = runCli(["chips", "--annotations", annotations, "--mode", "paper", "--json"])
    assert.strictEqual(status, 0, stderr)
    const report = JSON.parse(stdout)
    assert.deepInclude(report, {
      annotations,
      proposals: null,
      mode: "paper",
      seed: 0,
      epoch: 0,
      images: 2,
      positiveChips: 1,
      negativeChips: 0,
      boxes: 1,
      coverage: 1,
      eligibleFraction: 1,
      validFraction: 1,
      // one 512 x 512 chip
      chipPixels: 512 * 512,
      pixelsPerEpoch: 512 * 512,
    })
    assert.deepStrictEqual(report.positivesPerScale, [1, 0, 0])
    assert.deepStrictEqual(report.scales, ["3x", "1.667x", "long side 512"])
    assert.deepStrictEqual(report.strides, [32])
    // each image at 3x (600 x 300), 1.667x (333 x 166) and long side 512 (512 x 256)
    assert.strictEqual(report.pyramidPixels, 2 * (600 * 300 + 333 * 166 + 512 * 256))
    // single scale: 800 short side would make the long 1600 > 1333, so 1333 x 666
    assert.strictEqual(report.singleScalePixels, 2 * 1333 * 666)
    assert.closeTo(report.pixelRatioVsSingleScaleCanvas, (512 * 512) / (2 * 800 * 1333), 1e-12)
  })

  it("prints the same figures as a text report", () => {
    const { status, stdout } = runCli(["chips", "--annotations", annotations, "--mode", "paper", "--seed", "3"])
    assert.strictEqual(status, 0)
    const lines = stdout.trim().split("\n")
    assert.strictEqual(lines[0], "chips instances_val.json (paper mode, seed 3, epoch 0, stride 32)")
    assert.include(lines, "  images            2")
    assert.include(lines, "  scales            3x, 1.667x, long side 512")
    assert.include(lines, "  positive chips    1 (0.50 per image; per scale 1 / 0 / 0)")
    assert.include(lines, "  negative chips    0 (0.00 per image; 0 candidates), no --proposals")
    assert.include(lines, "  coverage          100.00% of eligible (box, scale) pairs inside a chip")
  })

  it("draws one image's chips from ../images/<split> beside the annotations, at the image's size", async () => {
    const out = join(root, "chips-1.png")
    const args = ["chips", "--annotations", annotations, "--mode", "paper", "--draw", "1", "--out", out, "--json"]
    const { status, stdout, stderr } = runCli(args)
    assert.strictEqual(status, 0, stderr)
    assert.deepStrictEqual(JSON.parse(stdout), { image: 1, positiveChips: 1, negativeChips: 0, out })
    const picture = await Effect.runPromise(decodeImage(root, { imageId: 1, fileName: "chips-1.png" }))
    assert.deepStrictEqual([picture.width, picture.height], [200, 100])
    // the chip's outline is drawn over the gray picture: it is no longer one colour
    assert.isTrue(picture.pixels.some((v) => v !== 90))
  })

  it("refuses --draw without --out, an image the file lacks and a negative seed, in one line each (exit 2)", () => {
    const cases: Array<[Array<string>, string]> = [
      [["--draw", "1"], "sniper: Cannot run chips: --draw needs --out FILE.png"],
      [
        ["--draw", "5", "--out", join(root, "x.png")],
        `sniper: Cannot run chips: --draw names image 5, not in "${annotations}"`,
      ],
      [["--seed", "-1"], "sniper: Cannot run chips: --seed must be >= 0"],
    ]
    for (const [flags, line] of cases) {
      const { status, stderr } = runCli(["chips", "--annotations", annotations, ...flags])
      assert.strictEqual(status, 2, flags.join(" "))
      assert.strictEqual(stderr.trim(), line)
    }
  })
})
