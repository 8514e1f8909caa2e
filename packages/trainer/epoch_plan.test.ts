import { assert, describe, it } from "@effect/vitest"
import { chipConfig } from "@sniper/chip-sampler"
import type { Dataset } from "@sniper/coco-io"
import { Result } from "effect"
import { demoConfig } from "./config.ts"
import { planEpoch, remainingEntries } from "./epoch_plan.ts"

/** Three 600x400 images with two boxes each (xywh), one category. */
function dataset(): Dataset {
  const bbox = new Float64Array([
    10, 10, 30, 30, 300, 200, 120, 90, 50, 60, 20, 25, 400, 100, 100, 200, 5, 5, 200, 150, 250, 50, 40, 40,
  ])
  const n = 6
  const area = new Float64Array(n).map((_, i) => bbox[4 * i + 2] * bbox[4 * i + 3])
  return {
    source: "memory",
    images: {
      count: 3,
      id: new Float64Array([1, 2, 3]),
      width: new Int32Array([600, 600, 600]),
      height: new Int32Array([400, 400, 400]),
      fileName: ["1.jpg", "2.jpg", "3.jpg"],
    },
    categories: { count: 1, id: new Int32Array([1]), name: ["thing"] },
    annotations: {
      count: n,
      id: new Float64Array([1, 2, 3, 4, 5, 6]),
      image: new Int32Array([0, 0, 1, 1, 2, 2]),
      category: new Int32Array(n),
      bbox,
      area,
      iscrowd: new Uint8Array(n),
    },
    imageStart: new Int32Array([0, 2, 4, 6]),
    zeroAreaDropped: 0,
    imageRow: (id) => id - 1,
    categoryRow: (id) => (id === 1 ? 0 : -1),
  }
}

const { chipSize, scales, validRanges } = demoConfig.chips
const config = Result.getOrThrow(chipConfig({ mode: "paper", chipSize, scales, validRanges }))

describe("planEpoch()", () => {
  it("is the same for the same (seed, epoch) and holds every image with chips", () => {
    const a = planEpoch(dataset(), config, { seed: 5, epoch: 0 })
    const b = planEpoch(dataset(), config, { seed: 5, epoch: 0 })
    assert.deepStrictEqual(a, b)
    assert.strictEqual(
      a.chipCount,
      a.entries.reduce((n, e) => n + e.chips.length, 0),
    )
    assert.deepStrictEqual(a.entries.map((e) => e.row).sort(), [0, 1, 2])
  })
  it("adds the flipped copy of every image when asked", () => {
    const plan = planEpoch(dataset(), config, { seed: 5, epoch: 0, flip: true })
    assert.strictEqual(plan.entries.filter((e) => e.flip).length, 3)
    assert.strictEqual(plan.entries.length, 6)
  })
})

describe("remainingEntries()", () => {
  it("drops whole entries, then marks the first chips of the entry where the skip ends as skipped", () => {
    const plan = planEpoch(dataset(), config, { seed: 5, epoch: 0 })
    const all = plan.entries.flatMap((e) => e.chips)
    for (let skip = 0; skip <= all.length; skip++) {
      const left = remainingEntries(plan, skip).flatMap((e) => e.chips.slice(e.skip ?? 0))
      assert.deepStrictEqual(left, all.slice(skip))
    }
  })
})
