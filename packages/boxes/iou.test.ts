import { assert, describe, it } from "@effect/vitest"
import { Arbitrary } from "effect"
import { intBox, intBoxes, plusOne, real } from "./arbitrary_fixtures.ts"
import { baselineCocoIou, baselineIouMatrix, toDets } from "./baseline_fixtures.ts"
import { cocoIouMatrix, intersectionOverArea, iouMatrix, xywhToXyxy } from "./mod.ts"

const f64 = (xs: number[]) => new Float64Array(xs)
const box = intBox({ span: 300, minSide: 0, maxSide: 200 })
const list = intBoxes({ span: 300, minSide: 0, maxSide: 200, maxCount: 12 })
/** Up to 12 xywh boxes with real coordinates (x, y in [-50, 250], w, h in [0, 120]) that are not round numbers. */
const realBoxes = Arbitrary.map(
  Arbitrary.array(Arbitrary.all([real(-50, 250), real(-50, 250), real(0, 120), real(0, 120)]), { maxLength: 12 }),
  (rows) => Float64Array.from(rows.flat(), (v) => v * 0.7318235 + 0.0123),
)

/** 130 to 160 real-valued boxes (16,900+ pairs: iouMatrix's indexed path), sides 0 to 1000 px, some empty. */
const manyBoxes = Arbitrary.map(
  Arbitrary.array(Arbitrary.all([real(-300, 300), real(-300, 300), real(-3, 3), real(-3, 3)]), {
    minLength: 130,
    maxLength: 160,
  }),
  (rows) => Float32Array.from(rows.flatMap(([x, y, lw, lh]) => [x, y, x + (lw < -2.5 ? 0 : 10 ** lw), y + 10 ** lh])),
)

describe("iouMatrix()", () => {
  it("matches hand-computed overlaps", () => {
    // [0,0,2,2] vs [1,1,3,3]: intersection 1, union 4 + 4 - 1 = 7
    assert.closeTo(iouMatrix(f64([0, 0, 2, 2]), f64([1, 1, 3, 3]))[0], 1 / 7, 1e-15)
    // +1 widths: areas 9 and 9, intersection 2 x 2 = 4, union 14
    assert.closeTo(iouMatrix(f64([0, 0, 2, 2]), f64([1, 1, 3, 3]), { plusOne: true })[0], 4 / 14, 1e-15)
    // Boxes that share only an edge: 0 without +1, one pixel column (2 px) of 4 + 4 - 2 with it
    assert.strictEqual(iouMatrix(f64([0, 0, 1, 1]), f64([1, 0, 2, 1]))[0], 0)
    assert.closeTo(iouMatrix(f64([0, 0, 1, 1]), f64([1, 0, 2, 1]), { plusOne: true })[0], 2 / 6, 1e-15)
    // Empty boxes overlap nothing
    assert.strictEqual(iouMatrix(f64([1, 1, 1, 1]), f64([0, 0, 2, 2]))[0], 0)
  })
  it("is row-major, rows = first argument", () => {
    const a = f64([0, 0, 10, 10, 100, 100, 110, 110])
    const b = f64([0, 0, 10, 10, 0, 0, 5, 10, 100, 100, 110, 110])
    assert.deepStrictEqual(Array.from(iouMatrix(a, b)), [1, 0.5, 0, 0, 0, 1])
    assert.strictEqual(iouMatrix(a, f64([])).length, 0)
  })
  it("divides crowd columns by the row box's area", () => {
    const row = f64([0, 0, 2, 2])
    const cols = f64([1, 1, 10, 10, 1, 1, 10, 10])
    const m = iouMatrix(row, cols, { crowd: [0, 1] })
    assert.closeTo(m[0], 1 / (4 + 81 - 1), 1e-15)
    assert.closeTo(m[1], 1 / 4, 1e-15)
    assert.throws(() => iouMatrix(row, cols, { crowd: [1] }), RangeError, "expected one per box (2)")
  })
  it.prop("is symmetric and in [0, 1]", [box, box, plusOne], ([a, b, p]) => {
    const ab = iouMatrix(f64(a), f64(b), { plusOne: p })[0]
    assert.strictEqual(ab, iouMatrix(f64(b), f64(a), { plusOne: p })[0])
    assert.isTrue(ab >= 0 && ab <= 1)
  })
  it.prop("equals the array-of-objects baseline", [list, list, plusOne], ([a, b, p]) => {
    const expected = baselineIouMatrix(toDets(a), toDets(b), p ? 1 : 0).flat()
    assert.deepStrictEqual(Array.from(iouMatrix(a, b, { plusOne: p })), expected)
  })
  it.prop(
    "takes its indexed path on large inputs with the same results as the baseline",
    [manyBoxes, manyBoxes, plusOne, plusOne],
    ([a, b, p, withCrowd]) => {
      const m = b.length / 4
      const crowd = withCrowd ? Array.from({ length: m }, (_, j) => j % 3 === 0) : undefined
      const expected = baselineIouMatrix(toDets(a), toDets(b), p ? 1 : 0, crowd).flat()
      const got = iouMatrix(a, b, { plusOne: p, crowd })
      let mismatches = 0
      for (let k = 0; k < got.length; k++) if (got[k] !== expected[k]) mismatches++
      assert.strictEqual(got.length, expected.length)
      assert.strictEqual(mismatches, 0)
      assert.isAbove(expected.filter((v) => v > 0).length, 0, "some pairs overlap")
    },
    { timeout: 60_000, arbitrary: { runs: 12 } },
  )
  it.prop(
    "gives 1 on the diagonal for non-empty boxes",
    [intBoxes({ span: 300, minSide: 1, maxSide: 50, maxCount: 10 })],
    ([a]) => {
      const m = iouMatrix(a, a)
      const n = a.length / 4
      for (let i = 0; i < n; i++) assert.strictEqual(m[i * n + i], 1)
    },
  )
})

describe("intersectionOverArea()", () => {
  it("measures how much of each row box lies inside each column box", () => {
    const a = f64([0, 0, 4, 4])
    const b = f64([2, 0, 10, 10])
    assert.strictEqual(intersectionOverArea(a, b)[0], 0.5) // 2 x 4 of 16
    assert.strictEqual(intersectionOverArea(b, a)[0], 0.1) // 8 of 80
    assert.strictEqual(intersectionOverArea(f64([3, 3, 3, 9]), b)[0], 0) // empty row box
  })
  it.prop("is in [0, 1] and 1 exactly when the row box lies inside", [box, box], ([a, b]) => {
    const v = intersectionOverArea(f64(a), f64(b))[0]
    assert.isTrue(v >= 0 && v <= 1)
    const inside = a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3] && a[2] > a[0] && a[3] > a[1]
    assert.strictEqual(v === 1, inside)
  })
  it.prop("equals |a ∩ b| / |a| of the baseline objects", [list, list, plusOne], ([a, b, p]) => {
    const off = p ? 1 : 0
    const got = intersectionOverArea(a, b, { plusOne: p })
    const da = toDets(a)
    const db = toDets(b)
    for (const [i, x] of da.entries()) {
      for (const [j, y] of db.entries()) {
        const iw = Math.min(x.x2, y.x2) - Math.max(x.x1, y.x1) + off
        const ih = Math.min(x.y2, y.y2) - Math.max(x.y1, y.y1) + off
        const area = Math.max(0, x.x2 - x.x1 + off) * Math.max(0, x.y2 - x.y1 + off)
        const expected = iw > 0 && ih > 0 && area > 0 ? (iw * ih) / area : 0
        assert.strictEqual(got[i * db.length + j], expected)
      }
    }
  })
})

describe("cocoIouMatrix()", () => {
  it("matches pycocotools' bbIou on hand-computed xywh boxes", () => {
    // maskUtils.iou([[0,0,10,10]], [[5,5,10,10], [5,5,10,10]], [0, 1]): 25 / 175 and 25 / 100
    const m = cocoIouMatrix(f64([0, 0, 10, 10]), f64([5, 5, 10, 10, 5, 5, 10, 10]), [0, 1])
    assert.closeTo(m[0], 25 / 175, 1e-15)
    assert.strictEqual(m[1], 0.25)
    // rows are detections, columns ground truth
    const two = cocoIouMatrix(f64([0, 0, 10, 10, 20, 20, 1, 1]), f64([0, 0, 10, 5]))
    assert.deepStrictEqual(Array.from(two), [0.5, 0])
  })
  it.prop(
    "is bit-identical to bbIou's formula on real-valued xywh boxes",
    [realBoxes, realBoxes, Arbitrary.array(plusOne, { minLength: 12, maxLength: 12 })],
    ([dt, gt, flags]) => {
      const crowd = flags.slice(0, gt.length / 4)
      const expected = baselineCocoIou(toDets(dt), toDets(gt), crowd).flat()
      assert.deepStrictEqual(Array.from(cocoIouMatrix(dt, gt, crowd)), expected)
    },
  )
  it.prop(
    "agrees with iouMatrix on the same boxes in xyxy, crowd included",
    [list, list, Arbitrary.array(plusOne, { minLength: 12, maxLength: 12 })],
    ([dt, gt, flags]) => {
      const crowd = flags.slice(0, gt.length / 4)
      const coco = cocoIouMatrix(dt, gt, crowd)
      const ours = iouMatrix(xywhToXyxy(dt), xywhToXyxy(gt), { crowd })
      for (let k = 0; k < coco.length; k++) assert.closeTo(coco[k], ours[k], 1e-12)
    },
  )
})
