import { assert, describe, it } from "@effect/vitest"
import type { Dataset } from "@sniper/coco-io"
import { evaluateBoxes } from "@sniper/evaluator"
import { formatSeconds, groundTruthOf, perCategoryTable, progressLine } from "./detect_report.ts"

describe("formatSeconds() and progressLine()", () => {
  it("say how long in words a person reads at a glance", () => {
    assert.deepStrictEqual([0.4, 42, 185, 7620].map(formatSeconds), ["0 s", "42 s", "3 min 05 s", "2 h 07 min"])
    // 12 of 40 in 4.8 s: 2.5 images/s, 28 left take 11.2 s
    assert.strictEqual(progressLine(12, 40, 4.8), "12/40 images, 2.50 images/s, ETA 11 s")
    assert.strictEqual(progressLine(40, 40, 2), "40/40 images, 20.0 images/s, done")
    assert.strictEqual(progressLine(0, 40, 0), "0/40 images, 0.00 images/s, ETA unknown")
  })
  it("round before choosing the unit, never go below 0 s, and give one decimal from 10 images/s", () => {
    // 59.6 s rounds to a minute, 3599.5 s to an hour; a negative (clock step) reads 0 s
    assert.deepStrictEqual([59.6, 3599.5, 3600, -3, 86_399].map(formatSeconds), [
      "1 min 00 s",
      "1 h 00 min",
      "1 h 00 min",
      "0 s",
      "23 h 59 min",
    ])
    // 30 in 2 s: 15.0 images/s, 10 left take 0.67 s -> "1 s"
    assert.strictEqual(progressLine(30, 40, 2), "30/40 images, 15.0 images/s, ETA 1 s")
    assert.strictEqual(progressLine(1, 3, 120), "1/3 images, 0.01 images/s, ETA 4 min 00 s")
  })
})

/** Three 100x100 images (ids 7, 8, 9), one 20x20 object of category 0 in each, at (10k, 10k) for image k. */
function threeImages(): Dataset {
  const boxes = [10, 10, 20, 20, 20, 20, 20, 20, 30, 30, 20, 20]
  return {
    source: "gt.json",
    images: {
      count: 3,
      id: Float64Array.of(7, 8, 9),
      width: Int32Array.of(100, 100, 100),
      height: Int32Array.of(100, 100, 100),
      fileName: ["a.jpg", "b.jpg", "c.jpg"],
    },
    categories: { count: 2, id: Int32Array.of(1, 2), name: ["thing", "other|kind"] },
    annotations: {
      count: 3,
      id: Float64Array.of(1, 2, 3),
      image: Int32Array.of(0, 1, 2),
      category: Int32Array.of(0, 0, 0),
      bbox: Float64Array.from(boxes),
      area: Float64Array.of(400, 400, 400),
      iscrowd: new Uint8Array(3),
    },
    imageStart: Int32Array.of(0, 1, 2, 3),
    zeroAreaDropped: 0,
    imageRow: (id) => [7, 8, 9].indexOf(id),
    categoryRow: (id) => [1, 2].indexOf(id),
  }
}

describe("groundTruthOf()", () => {
  it("keeps the images run, so an image not run does not count its objects as missed", () => {
    const dataset = threeImages()
    // images 9 and 7 run, each object found exactly
    const detections = {
      count: 2,
      image: Int32Array.of(2, 0),
      category: Int32Array.of(0, 0),
      bbox: Float64Array.of(30, 30, 20, 20, 10, 10, 20, 20),
      score: Float64Array.of(0.9, 0.8),
    }
    const { groundTruth, detections: reindexed } = groundTruthOf(dataset, [2, 0], detections)
    assert.deepStrictEqual(Array.from(groundTruth.images.id), [7, 9])
    assert.deepStrictEqual(Array.from(groundTruth.annotations.image), [0, 1])
    assert.deepStrictEqual(Array.from(groundTruth.annotations.bbox), [10, 10, 20, 20, 30, 30, 20, 20])
    assert.deepStrictEqual(Array.from(reindexed.image), [1, 0])
    assert.strictEqual(evaluateBoxes(groundTruth, reindexed).stats[0], 1)
    assert.isBelow(evaluateBoxes(dataset, detections).stats[0], 1) // the whole set misses image 8's object
    assert.throws(() => groundTruthOf(dataset, [0], detections), RangeError)
  })
})

describe("perCategoryTable()", () => {
  it("lists AP, AP50 and AP75 per category with pycocotools' rounding, - without objects", () => {
    const table = perCategoryTable(
      [
        { id: 1, name: "thing", ap: 0.0625, ap50: 1, ap75: 0.5 },
        { id: 2, name: "other|kind", ap: -1, ap50: -1, ap75: -1 },
      ],
      { images: 2 },
    )
    const rows = table.split("\n").filter((line) => line.startsWith("| "))
    assert.deepStrictEqual(rows, [
      "| category | id | AP | AP50 | AP75 |",
      "| --- | ---: | ---: | ---: | ---: |",
      "| thing | 1 | 0.062 | 1.000 | 0.500 |",
      "| other\\|kind | 2 | - | - | - |",
    ])
  })
})
