import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { type Dataset, decodeImage, imageRefOf, loadDataset, makeBadImageLog, writeSynthDataset } from "@sniper/coco-io"
import { createDetector, type Detector, disposeDetector } from "@sniper/detector-model"
import { detectStream } from "@sniper/inference"
import { selectBackend } from "@sniper/tensor-runtime"
import { Effect, Stream } from "effect"
import { captureLogs, messages } from "./log_fixtures.ts"
import { evaluateDetector, evaluateOnVal, type Picture, perCategoryTable } from "./mod.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

const config = tinyTrainConfig()
const dir = mkdtempSync(join(tmpdir(), "trainer-evaluate-"))
const val = { annotations: join(dir, "annotations", "instances_val.json"), images: join(dir, "images", "val") }
let valSet: Dataset
let detector: Detector

beforeAll(async () => {
  await Effect.runPromise(selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND"))
  await Effect.runPromise(writeSynthDataset(dir, { images: 6, seed: 5, valFraction: 0.5 }))
  valSet = await Effect.runPromise(loadDataset(val.annotations))
  detector = createDetector(config.detector, { seed: 2 })
  return () => disposeDetector(detector)
}, 60_000)

describe("evaluateDetector()", () => {
  it.effect("gives exactly detectStream's detections, as category rows and xywh boxes inside each image", () =>
    Effect.gen(function* () {
      const badImages = yield* makeBadImageLog
      const out = yield* evaluateDetector(detector, valSet, {
        ...config.test,
        imageRoot: val.images,
        maxImages: 0,
        badImages,
      })
      const streamed = yield* Stream.runCollect(
        detectStream(detector, [0, 1, 2], {
          ...config.test,
          decode: (row) => decodeImage(val.images, imageRefOf(valSet, row)),
        }),
      )
      assert.strictEqual(valSet.images.count, 3)
      assert.strictEqual(out.images, 3)
      const d = out.detections
      assert.strictEqual(
        d.count,
        streamed.reduce((n, s) => n + s.detections.count, 0),
      )
      assert.isAbove(d.count, 0)
      let at = 0
      for (const s of streamed) {
        const { count, boxes, scores, categories } = s.detections
        for (let i = 0; i < count; i++, at++) {
          assert.strictEqual(d.image[at], s.input)
          assert.strictEqual(d.category[at], categories[i])
          assert.strictEqual(d.score[at], scores[i])
          const [x1, y1, x2, y2] = boxes.subarray(4 * i, 4 * i + 4)
          assert.deepStrictEqual(Array.from(d.bbox.subarray(4 * at, 4 * at + 4)), [x1, y1, x2 - x1, y2 - y1])
          assert.isTrue(x1 >= 0 && y1 >= 0 && x2 <= s.image.width && y2 <= s.image.height)
          assert.isTrue(categories[i] >= 0 && categories[i] < valSet.categories.count)
        }
      }
      assert.strictEqual(out.evaluation.stats.length, 12)
    }),
  )

  it.live(
    "on 2 worker threads: the detections and stats of this thread, bit for bit",
    () =>
      Effect.gen(function* () {
        const run = (workers: number) =>
          Effect.flatMap(makeBadImageLog, (badImages) =>
            evaluateDetector(detector, valSet, {
              ...config.test,
              imageRoot: val.images,
              maxImages: 0,
              badImages,
              workers,
            }),
          )
        const one = yield* run(1)
        const two = yield* run(2)
        assert.isAbove(one.detections.count, 0)
        const bytes = (d: typeof one.detections) =>
          [d.image, d.category, d.bbox, d.score].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))
        assert.deepStrictEqual(bytes(two.detections), bytes(one.detections))
        assert.deepStrictEqual(two.evaluation.stats, one.evaluation.stats)
      }),
    60_000,
  )
})

describe("evaluateOnVal()", () => {
  it.effect("writes metrics with per-category AP, a per-category table, PR curves and pictures via the hook", () =>
    Effect.gen(function* () {
      const runDir = mkdtempSync(join(tmpdir(), "trainer-eval-run-"))
      const logs = captureLogs()
      const drawn: Array<Picture> = []
      const { stats, images } = yield* evaluateOnVal(detector, val, config, runDir, {
        badImages: yield* makeBadImageLog,
        pictures: {
          count: 2,
          draw: (picture) =>
            picture.path.endsWith(`val_${valSet.images.id[1]}.png`)
              ? Effect.fail("no canvas")
              : Effect.sync(() => {
                  drawn.push(picture)
                  writeFileSync(picture.path, "png")
                }),
        },
      }).pipe(Effect.provide(logs.layer))
      assert.strictEqual(stats.length, 12)
      assert.strictEqual(images, valSet.images.count)
      const metrics = JSON.parse(readFileSync(join(runDir, "metrics.json"), "utf8"))
      assert.deepStrictEqual(metrics.stats, stats)
      assert.deepStrictEqual(
        metrics.perCategory.map((c: { name: string }) => c.name),
        valSet.categories.name,
      )
      const table = readFileSync(join(runDir, "per_category.md"), "utf8").trim().split("\n")
      assert.strictEqual(table.length, 2 + valSet.categories.count)
      assert.include(table[2], `| ${valSet.categories.name[0]} | ${valSet.categories.id[0]} |`)
      assert.match(readFileSync(join(runDir, "pr_curves.svg"), "utf8"), /^<svg/)
      assert.isTrue(existsSync(join(runDir, "detections_val.json")))
      // The first two images: one drawn, one whose drawing failed (logged, not fatal); none after them.
      assert.deepStrictEqual(
        drawn.map((p) => [p.image.imageId, p.path]),
        [[valSet.images.id[0], join(runDir, "pictures", `val_${valSet.images.id[0]}.png`)]],
      )
      assert.deepStrictEqual(drawn[0].categories, valSet.categories.name)
      assert.deepStrictEqual(readdirSync(join(runDir, "pictures")), [`val_${valSet.images.id[0]}.png`])
      assert.isTrue(
        messages(logs.lines, "Warn").some((l) => l.includes("could not draw picture of val image row 1: no canvas")),
      )
    }),
  )
})

describe("perCategoryTable()", () => {
  it("writes one row per category, three decimals, n/a without ground truth", () => {
    assert.strictEqual(
      perCategoryTable([
        { id: 3, name: "circle", ap: 0.51234, ap50: 0.9, ap75: 0.5 },
        { id: 7, name: "star", ap: -1, ap50: -1, ap75: -1 },
      ]),
      [
        "| category | id | AP | AP50 | AP75 |",
        "|---|---|---|---|---|",
        "| circle | 3 | 0.512 | 0.900 | 0.500 |",
        "| star | 7 | n/a | n/a | n/a |",
        "",
      ].join("\n"),
    )
  })
})
