import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, Stream } from "effect"
import { tempDir, tinyInstances, writeJson } from "./json_fixtures.ts"
import { type Detections, loadDataset, readDetections, writeDetectionStream, writeDetections } from "./mod.ts"

const emptyResults = () => writeJson(tempDir(), "empty.json", [])
const tiny = Effect.suspend(() => loadDataset(writeJson(tempDir(), "tiny.json", tinyInstances())))

describe("readDetections()", () => {
  it.effect("maps image and category ids to rows, keeping file order", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const path = writeJson(tempDir(), "results.json", [
        { image_id: 20, category_id: 90, bbox: [1, 2, 3, 4], score: 0.5 },
        { image_id: 30, category_id: 1, bbox: [0.5, 0, 10.25, 7], score: 0.9, extra: "ignored" },
      ])
      const d = yield* readDetections(path, dataset)
      assert.strictEqual(d.count, 2)
      assert.deepStrictEqual([...d.image], [2, 0])
      assert.deepStrictEqual([...d.category], [2, 0])
      assert.deepStrictEqual([...d.bbox], [1, 2, 3, 4, 0.5, 0, 10.25, 7])
      assert.deepStrictEqual([...d.score], [0.5, 0.9])
    }),
  )

  it.effect("refuses an image id the dataset lacks, naming index and id", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const path = writeJson(tempDir(), "results.json", [
        { image_id: 20, category_id: 90, bbox: [1, 2, 3, 4], score: 0.5 },
        { image_id: 77, category_id: 1, bbox: [1, 2, 3, 4], score: 0.5 },
      ])
      const error = yield* Effect.flip(readDetections(path, dataset))
      assert.strictEqual(error._tag, "CocoRecordError")
      if (error._tag !== "CocoRecordError") return
      assert.strictEqual(error.index, 1)
      assert.strictEqual(error.id, 77)
      assert.strictEqual(error.field, "image_id")
      assert.include(error.message, "results[1] (id 77) field image_id names image 77")
    }),
  )

  it.effect("refuses an unknown category and a negative size, all at once when asked", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const path = writeJson(tempDir(), "results.json", [
        { image_id: 20, category_id: 2, bbox: [1, 2, 3, 4], score: 0.5 },
        { image_id: 20, category_id: 1, bbox: [1, 2, -3, 4], score: 0.5 },
        { image_id: 20, category_id: 1, bbox: [1, 2, 3, 4] },
      ])
      const error = yield* Effect.flip(readDetections(path, dataset, { allProblems: true }))
      assert.strictEqual(error._tag, "CocoProblems")
      if (error._tag !== "CocoProblems") return
      assert.deepStrictEqual(
        error.problems.map((p) => (p._tag === "CocoRecordError" ? `${p.index} ${p.field}` : p._tag)),
        ["0 category_id", "1 bbox[2]", "2 score"],
      )
    }),
  )

  it.effect("refuses an object where the results array should be", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const path = writeJson(tempDir(), "results.json", { annotations: [] })
      const error = yield* Effect.flip(readDetections(path, dataset))
      assert.strictEqual(error._tag, "CocoJsonError")
      assert.include(error.message, "expected a JSON array at the top level, found an object")
    }),
  )
})

describe("writeDetections()", () => {
  const coordinate = Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 5000 }))
  const row = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 2 }))
  const detection = Schema.Struct({
    image: row,
    category: row,
    box: Schema.Tuple([coordinate, coordinate, coordinate, coordinate]),
    score: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  })
  it.effect.prop(
    "round-trips through readDetections exactly",
    [Schema.Array(detection).check(Schema.isMaxLength(50))],
    ([rows]) =>
      Effect.gen(function* () {
        const dataset = yield* tiny
        const d: Detections = {
          count: rows.length,
          image: Int32Array.from(rows, (r) => r.image),
          category: Int32Array.from(rows, (r) => r.category),
          bbox: Float64Array.from(
            rows.flatMap((r) => r.box),
            (v) => v + 0,
          ), // -0 is written as 0
          score: Float64Array.from(rows, (r) => r.score + 0),
        }
        const path = join(tempDir(), "out.json")
        assert.strictEqual(yield* writeDetections(path, dataset, d), rows.length)
        const back = yield* readDetections(path, dataset)
        assert.deepStrictEqual(back, d)
      }),
    { timeout: 60_000, arbitrary: { runs: 40 } },
  )

  it.effect("writes a stream of batches as one array with COCO ids", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const one = (image: number, score: number): Detections => ({
        count: 1,
        image: Int32Array.of(image),
        category: Int32Array.of(1),
        bbox: Float64Array.of(1, 2, 3, 4),
        score: Float64Array.of(score),
      })
      const path = join(tempDir(), "out.json")
      yield* writeDetectionStream(path, dataset, Stream.make(one(0, 0.25), one(2, 0.75)))
      assert.deepStrictEqual(JSON.parse(readFileSync(path, "utf8")), [
        { image_id: 30, category_id: 18, bbox: [1, 2, 3, 4], score: 0.25 },
        { image_id: 20, category_id: 18, bbox: [1, 2, 3, 4], score: 0.75 },
      ])
    }),
  )

  it.effect("fails with CocoWriteError when the folder does not exist", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const path = join(tempDir(), "missing", "out.json")
      const error = yield* Effect.flip(writeDetections(path, dataset, yield* readDetections(emptyResults(), dataset)))
      assert.strictEqual(error._tag, "CocoWriteError")
      assert.include(error.message, `Cannot write "${path}": ENOENT`)
    }),
  )

  it.effect("throws a RangeError for a row outside the dataset and leaves no file", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const path = join(tempDir(), "out.json")
      const bad: Detections = {
        count: 1,
        image: Int32Array.of(3),
        category: Int32Array.of(0),
        bbox: Float64Array.of(0, 0, 1, 1),
        score: Float64Array.of(1),
      }
      const exit = yield* Effect.exit(writeDetections(path, dataset, bad))
      assert.isTrue(exit._tag === "Failure")
      assert.include(String(exit), "Cannot write detections: image row must be in the dataset, current value is 3")
      assert.throws(() => readFileSync(path))
    }),
  )

  it.effect(
    "fails with NonFiniteDetection naming image and index for a NaN score or an infinite box, and leaves no file",
    () =>
      Effect.gen(function* () {
        const dataset = yield* tiny
        const dir = tempDir()
        const path = join(dir, "out.json")
        const batch = (score: number, w: number): Detections => ({
          count: 2,
          image: Int32Array.of(0, 2),
          category: Int32Array.of(0, 1),
          bbox: Float64Array.of(1, 2, 3, 4, 5, 6, w, 8),
          score: Float64Array.of(0.5, score),
        })
        const nan = yield* writeDetectionStream(path, dataset, Stream.make(batch(0.1, 7), batch(Number.NaN, 7))).pipe(
          Effect.flip,
        )
        assert.strictEqual(nan._tag, "NonFiniteDetection")
        if (nan._tag !== "NonFiniteDetection") return
        assert.deepStrictEqual([nan.index, nan.imageId, nan.field], [3, 20, "score"])
        assert.include(nan.message, `Cannot write "${path}": detection 3 (image 20) has score NaN`)
        const inf = yield* writeDetections(path, dataset, batch(0.2, Number.POSITIVE_INFINITY)).pipe(Effect.flip)
        assert.include(inf.message, "detection 1 (image 20) has bbox[2] Infinity")
        assert.deepStrictEqual(readdirSync(dir), [])
      }),
  )
})
