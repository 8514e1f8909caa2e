import { assert, describe, it } from "@effect/vitest"
import { sharedDataOrSkip } from "@sniper/testing"
import { Effect } from "effect"
import { tempDir, tinyInstances, writeJson } from "./_fixtures.ts"
import { loadDataset } from "./mod.ts"

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

  const table: ReadonlyArray<readonly [string, number, number]> = [
    ["instances_train2017_merged.json", 288, 2383],
    ["instances_val2017_merged.json", 158, 1424],
    ["instances_train2017_coco128.json", 128, 939],
    ["instances_val2017_coco128_from_yolo.json", 128, 898],
    ["instances_train2017_cocomini.json", 80, 739],
    ["instances_val2017_cocomini.json", 79, 624],
    ["instances_train2017_cocotiny.json", 80, 705],
    ["instances_val2017_cocotiny.json", 80, 815],
    ["instances_val2017_resampled.json", 5000, 36222],
  ]
  for (const [name, images, annotations] of table) {
    it.effect(`loads every record of ${name}`, () =>
      Effect.gen(function* () {
        const path = sharedDataOrSkip(`coco/annotations/${name}`, `loadDataset(${name})`)
        if (path === undefined) return
        const d = yield* loadDataset(path)
        assert.strictEqual(d.images.count, images)
        assert.strictEqual(d.annotations.count + d.zeroAreaDropped, annotations)
        assert.strictEqual(d.categories.count, 80)
        assert.strictEqual(d.imageStart[d.images.count], d.annotations.count)
      }),
    )
  }
})
