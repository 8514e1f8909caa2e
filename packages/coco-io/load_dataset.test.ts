import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { sharedDataOrSkip } from "@sniper/testing"
import { Effect } from "effect"
import { tempDir, tinyInstances, writeJson } from "./json_fixtures.ts"
import { loadDataset, summarizeDataset } from "./mod.ts"

describe("loadDataset()", () => {
  it.effect("builds the columns of a hand-made file", () =>
    Effect.gen(function* () {
      const path = writeJson(tempDir(), "tiny.json", tinyInstances())
      const d = yield* loadDataset(path)
      assert.strictEqual(d.source, path)
      // Images keep file order.
      assert.deepStrictEqual([...d.images.id], [30, 10, 20])
      assert.deepStrictEqual([...d.images.width], [640, 100, 300])
      assert.deepStrictEqual([...d.images.height], [480, 200, 300])
      assert.deepStrictEqual(d.images.fileName, ["c.jpg", "a.jpg", "b.jpg"])
      // Categories sorted by id: 1, 18, 90 -> rows 0, 1, 2.
      assert.deepStrictEqual([...d.categories.id], [1, 18, 90])
      assert.deepStrictEqual(d.categories.name, ["person", "dog", "toothbrush"])
      assert.strictEqual(d.categoryRow(90), 2)
      assert.strictEqual(d.categoryRow(2), -1)
      assert.strictEqual(d.imageRow(20), 2)
      assert.strictEqual(d.imageRow(99), -1)
      // Annotation 7 has zero width: dropped. Image 30 (row 0): ids 1, 3; image 10 (row 1): ids 5, 2; image 20: none.
      assert.strictEqual(d.zeroAreaDropped, 1)
      assert.strictEqual(d.annotations.count, 4)
      assert.deepStrictEqual([...d.annotations.id], [1, 3, 5, 2])
      assert.deepStrictEqual([...d.imageStart], [0, 2, 4, 4])
      assert.deepStrictEqual([...d.annotations.image], [0, 0, 1, 1])
      assert.deepStrictEqual([...d.annotations.category], [0, 1, 1, 2])
      assert.deepStrictEqual([...d.annotations.iscrowd], [1, 0, 0, 0])
      assert.deepStrictEqual([...d.annotations.bbox.subarray(12, 16)], [10.5, 20.25, 30, 40])
      // No area in the file: the box area, 30 * 40.
      assert.deepStrictEqual([...d.annotations.area], [80, 4, 10, 1200])
    }),
  )

  it.effect("drops zero-area boxes by default (training's view) and keeps them in place with keepZeroArea", () =>
    Effect.gen(function* () {
      const file = tinyInstances()
      // a second degenerate box, zero height, without an area field: kept with area 0 (the box's)
      file.annotations.push({ id: 8, image_id: 30, category_id: 90, bbox: [7, 8, 9, 0] })
      const path = writeJson(tempDir(), "tiny.json", file)
      const dropped = yield* loadDataset(path)
      const kept = yield* loadDataset(path, { keepZeroArea: true })
      assert.strictEqual(dropped.zeroAreaDropped, 2)
      assert.deepStrictEqual([...dropped.annotations.id], [1, 3, 5, 2])
      assert.deepStrictEqual([...dropped.imageStart], [0, 2, 4, 4])
      // file order within each image: image 30 holds 1, 3, 8; image 10 holds 5, 7, 2
      assert.strictEqual(kept.zeroAreaDropped, 0)
      assert.deepStrictEqual([...kept.annotations.id], [1, 3, 8, 5, 7, 2])
      assert.deepStrictEqual([...kept.imageStart], [0, 3, 6, 6])
      assert.deepStrictEqual([...kept.annotations.category], [0, 1, 2, 1, 0, 2])
      assert.deepStrictEqual([...kept.annotations.area], [80, 4, 0, 10, 0, 1200])
      assert.deepStrictEqual([...kept.annotations.bbox.subarray(8, 12)], [7, 8, 9, 0])
      assert.deepStrictEqual([...kept.annotations.bbox.subarray(16, 20)], [5, 5, 0, 4])
      // the default columns are the kept ones without the zero-area rows, exactly as before the option existed
      const rows = [0, 1, 3, 5]
      const pick = <T extends Float64Array | Int32Array | Uint8Array>(column: T, width = 1) =>
        rows.flatMap((r) => [...column.subarray(r * width, (r + 1) * width)])
      assert.deepStrictEqual([...dropped.annotations.bbox], pick(kept.annotations.bbox, 4))
      assert.deepStrictEqual([...dropped.annotations.area], pick(kept.annotations.area))
      assert.deepStrictEqual([...dropped.annotations.iscrowd], pick(kept.annotations.iscrowd))
      assert.deepStrictEqual([...dropped.annotations.image], pick(kept.annotations.image))
    }),
  )

  // The data README's table: images, annotations (boxes + crowd), crowd, images without annotations.
  const table: ReadonlyArray<readonly [string, number, number, number, number]> = [
    ["instances_train2017_merged.json", 288, 2383, 24, 2],
    ["instances_val2017_merged.json", 158, 1424, 16, 0],
    ["instances_train2017_coco128.json", 128, 939, 10, 2],
    ["instances_val2017_coco128_from_yolo.json", 128, 898, 0, 0],
    ["instances_train2017_cocomini.json", 80, 739, 8, 0],
    ["instances_val2017_cocomini.json", 79, 624, 5, 0],
    ["instances_train2017_cocotiny.json", 80, 705, 6, 0],
    ["instances_val2017_cocotiny.json", 80, 815, 11, 0],
    ["instances_val2017_resampled.json", 5000, 36222, 413, -1],
  ]
  for (const [name, images, annotations, crowd, empty] of table) {
    it.effect(
      `loads every record of ${name} intact`,
      () =>
        Effect.gen(function* () {
          const path = sharedDataOrSkip(`coco/annotations/${name}`, `loadDataset(${name})`)
          if (path === undefined) return
          const d = yield* loadDataset(path)
          assert.strictEqual(d.images.count, images)
          assert.strictEqual(d.annotations.count, annotations)
          assert.strictEqual(d.zeroAreaDropped, 0)
          assert.strictEqual(summarizeDataset(d).crowd, crowd)
          if (empty >= 0) assert.strictEqual(summarizeDataset(d).imagesWithoutAnnotations, empty)
          // Every record against JSON.parse of the same file (these files are small).
          const raw = JSON.parse(readFileSync(path, "utf8")) as RawInstances
          assert.deepStrictEqual(
            [...d.categories.id],
            raw.categories.map((c) => c.id).sort((a, b) => a - b),
          )
          // Plain comparisons (chai's per-row asserts are too slow for 36k rows); the first mismatch is reported.
          const mismatches: string[] = []
          const check = (what: string, ours: unknown, theirs: unknown) => {
            if (ours !== theirs) mismatches.push(`${what}: ${String(ours)} !== ${String(theirs)}`)
          }
          for (let row = 0; row < d.images.count; row++) {
            const image = raw.images[row]
            check(`image ${row} id`, d.images.id[row], image.id)
            check(`image ${row} width`, d.images.width[row], image.width)
            check(`image ${row} height`, d.images.height[row], image.height)
            check(`image ${row} file_name`, d.images.fileName[row], image.file_name)
          }
          const byId = new Map(raw.annotations.map((a, index) => [a.id, { ...a, index }]))
          let previous = -1
          for (let row = 0; row < d.annotations.count; row++) {
            const a = byId.get(d.annotations.id[row])!
            const image = d.annotations.image[row]
            check(`annotation ${a.id} image`, d.images.id[image], a.image_id)
            check(`annotation ${a.id} grouped`, row >= d.imageStart[image] && row < d.imageStart[image + 1], true)
            // File order within an image.
            if (row > d.imageStart[image]) check(`annotation ${a.id} order`, a.index > previous, true)
            previous = a.index
            check(`annotation ${a.id} category`, d.categories.id[d.annotations.category[row]], a.category_id)
            for (let k = 0; k < 4; k++)
              check(`annotation ${a.id} bbox[${k}]`, d.annotations.bbox[4 * row + k], a.bbox[k])
            check(`annotation ${a.id} area`, d.annotations.area[row], a.area)
            check(`annotation ${a.id} iscrowd`, d.annotations.iscrowd[row], a.iscrowd)
          }
          assert.deepStrictEqual(mismatches.slice(0, 3), [])
        }),
      30_000,
    )
  }
})

interface RawInstances {
  readonly images: ReadonlyArray<{ id: number; width: number; height: number; file_name: string }>
  readonly annotations: ReadonlyArray<{
    id: number
    image_id: number
    category_id: number
    bbox: number[]
    area: number
    iscrowd: number
  }>
  readonly categories: ReadonlyArray<{ id: number }>
}
