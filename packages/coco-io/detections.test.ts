import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, Stream } from "effect"
import { tempDir, tinyInstances, writeJson } from "./json_fixtures.ts"
import {
  type Detections,
  loadDataset,
  readDetections,
  readEvaluationResults,
  writeDetectionStream,
  writeDetections,
} from "./mod.ts"

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

describe("readDetections() on non-finite numbers", () => {
  /** The failure of reading `text` as a results file of the tiny dataset, which must name a record. */
  const recordFailure = (text: string) =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const path = writeJson(tempDir(), "results.json", text)
      const error = yield* Effect.flip(readDetections(path, dataset))
      assert.strictEqual(error._tag, "CocoRecordError", error.message)
      if (error._tag !== "CocoRecordError") throw new Error("unreachable")
      assert.strictEqual(error.file, path)
      return error
    })
  const ok = '{"image_id": 20, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}'

  it.effect("names the field of Python's NaN, Infinity and -Infinity words", () =>
    Effect.gen(function* () {
      const nanScore = yield* recordFailure(
        `[${ok},\n{"image_id": 30, "category_id": 1, "bbox": [1, 2, 3, 4], "score": NaN}]`,
      )
      assert.deepStrictEqual([nanScore.index, nanScore.id, nanScore.field], [1, 30, "score"])
      assert.include(nanScore.message, "results[1] (id 30) field score is NaN, expected a finite number")
      const infBox = yield* recordFailure(`[${ok}, ${ok}, {"image_id": 20, "bbox": [1, 2, Infinity, 4], "score": 1}]`)
      assert.deepStrictEqual([infBox.index, infBox.field], [2, "bbox[2]"])
      assert.include(infBox.message, "field bbox[2] is Infinity")
      const negative = yield* recordFailure(
        '[{"score": -Infinity, "image_id": 20, "category_id": 1, "bbox": [0, 0, 1, 1]}]',
      )
      assert.deepStrictEqual([negative.index, negative.id, negative.field], [0, null, "score"])
      assert.include(negative.message, "results[0] field score is -Infinity")
      const first = yield* recordFailure('[{"image_id": 20, "category_id": 1, "bbox": [NaN, 0, 1, 1], "score": 1}]')
      assert.strictEqual(first.field, "bbox[0]")
    }),
  )

  it.effect("refuses a number too large for a double as Infinity, and a string or null in a box", () =>
    Effect.gen(function* () {
      const huge = yield* recordFailure(
        `[${ok}, {"image_id": 20, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 1e999}]`,
      )
      assert.deepStrictEqual([huge.index, huge.field], [1, "score"])
      assert.include(huge.message, "got Infinity")
      const text = yield* recordFailure('[{"image_id": 20, "category_id": 1, "bbox": [1, "2", 3, 4], "score": 1}]')
      assert.deepStrictEqual([text.index, text.field], [0, "bbox[1]"])
      const empty = yield* recordFailure('[{"image_id": 20, "category_id": 1, "bbox": [1, 2, null, 4], "score": 1}]')
      assert.strictEqual(empty.field, "bbox[2]")
    }),
  )

  it.effect("keeps other syntax faults as CocoJsonError with their byte offset", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const text = `[${ok}, {"image_id": 20, "category_id": 1, "bbox": [1, 2, 3, 4], "score": tru}]`
      const path = writeJson(tempDir(), "results.json", text)
      const error = yield* Effect.flip(readDetections(path, dataset))
      assert.strictEqual(error._tag, "CocoJsonError")
      if (error._tag !== "CocoJsonError") return
      assert.strictEqual(error.offset, text.indexOf("tru}") + 3) // V8 stops at the brace after the word
      assert.strictEqual(error.path, "[1]")
    }),
  )
})

describe("readEvaluationResults()", () => {
  it.effect("leaves out and counts detections of categories the dataset lacks, as pycocotools' evaluation", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const path = writeJson(tempDir(), "results.json", [
        { image_id: 20, category_id: 91, bbox: [1, 2, 3, 4], score: 0.5 },
        { image_id: 30, category_id: 18, bbox: [5, 6, 7, 8], score: 0.9 },
        { image_id: 10, category_id: 2, bbox: [1, 2, 3, 4], score: 0.4 },
        { image_id: 10, category_id: 91, bbox: [1, 2, 3, 4], score: 0.3 },
      ])
      const { detections, unknownCategory } = yield* readEvaluationResults(path, dataset)
      assert.deepStrictEqual(unknownCategory, { count: 3, ids: [2, 91] })
      assert.strictEqual(detections.count, 1)
      assert.deepStrictEqual([...detections.image], [0])
      assert.deepStrictEqual([...detections.category], [1])
      assert.deepStrictEqual([...detections.bbox], [5, 6, 7, 8])
      assert.deepStrictEqual([...detections.score], [0.9])
      // readDetections refuses the same file at its first unknown category
      const error = yield* Effect.flip(readDetections(path, dataset))
      assert.include(error.message, "results[0] (id 20) field category_id names category 91")
    }),
  )

  it.effect("still refuses an unknown image, a bad record and NaN, with every problem when asked", () =>
    Effect.gen(function* () {
      const dataset = yield* tiny
      const path = writeJson(tempDir(), "results.json", [
        { image_id: 77, category_id: 91, bbox: [1, 2, 3, 4], score: 0.5 },
        { image_id: 20, category_id: 91, bbox: [1, 2, 3], score: 0.5 },
        { image_id: 20, category_id: 1, bbox: [1, 2, 3, 4], score: "high" },
      ])
      const error = yield* Effect.flip(readEvaluationResults(path, dataset, { allProblems: true }))
      assert.strictEqual(error._tag, "CocoProblems")
      if (error._tag !== "CocoProblems") return
      assert.deepStrictEqual(
        error.problems.map((p) => (p._tag === "CocoRecordError" ? `${p.index} ${p.field}` : p._tag)),
        ["0 image_id", "1 bbox[3]", "2 score"],
      )
      const nan = writeJson(
        tempDir(),
        "nan.json",
        '[{"image_id": 20, "category_id": 91, "bbox": [0, 0, 1, 1], "score": NaN}]',
      )
      const nanError = yield* Effect.flip(readEvaluationResults(nan, dataset))
      assert.include(nanError.message, "results[0] (id 20) field score is NaN")
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
