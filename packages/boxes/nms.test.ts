import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { anyIouThreshold, iouThreshold, plusOne, real, realScoredBoxes, scoredBoxes } from "./arbitrary_fixtures.ts"
import { baselineIou, baselineNms, toDets } from "./baseline_fixtures.ts"
import { batchedNms, iouMatrix, nms } from "./mod.ts"

const f64 = (xs: number[]) => new Float64Array(xs)

describe("nms()", () => {
  it("drops a box overlapping a higher-scored one above the threshold", () => {
    // IoU([0,0,10,10], [1,1,11,11]) = 81 / 119 = 0.68; the third box is far away
    const boxes = f64([0, 0, 10, 10, 1, 1, 11, 11, 50, 50, 60, 60])
    assert.deepStrictEqual(Array.from(nms(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.5 })), [0, 2])
    assert.deepStrictEqual(Array.from(nms(boxes, [0.8, 0.9, 0.7], { iouThreshold: 0.5 })), [1, 2])
    assert.deepStrictEqual(Array.from(nms(boxes, [0.1, 0.8, 0.9], { iouThreshold: 0.7 })), [2, 1, 0])
  })
  it("keeps a pair exactly at the threshold (drops only IoU > threshold)", () => {
    // [0,0,2,2] and [0,0,2,1]: IoU 2 / 4 = 0.5
    const boxes = f64([0, 0, 2, 2, 0, 0, 2, 1])
    assert.deepStrictEqual(Array.from(nms(boxes, [1, 0.5], { iouThreshold: 0.5 })), [0, 1])
    assert.deepStrictEqual(Array.from(nms(boxes, [1, 0.5], { iouThreshold: 0.49 })), [0])
  })
  it("breaks score ties by index", () => {
    const boxes = f64([0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10])
    assert.deepStrictEqual(Array.from(nms(boxes, [0.5, 0.7, 0.7], { iouThreshold: 0.5 })), [1])
    assert.deepStrictEqual(Array.from(nms(boxes, [0.5, 0.5, 0.5], { iouThreshold: 1 })), [0, 1, 2])
  })
  it("uses +1 widths on request", () => {
    // Edge-touching boxes: IoU 0 without +1, 1/3 with it
    const boxes = f64([0, 0, 1, 1, 1, 0, 2, 1])
    assert.deepStrictEqual(Array.from(nms(boxes, [1, 0.9], { iouThreshold: 0.3 })), [0, 1])
    assert.deepStrictEqual(Array.from(nms(boxes, [1, 0.9], { iouThreshold: 0.3, plusOne: true })), [0])
  })
  it("stops at maxOutput and handles empty input", () => {
    const boxes = f64([0, 0, 1, 1, 5, 5, 6, 6, 9, 9, 10, 10])
    assert.deepStrictEqual(Array.from(nms(boxes, [0.1, 0.3, 0.2], { iouThreshold: 0.5, maxOutput: 2 })), [1, 2])
    assert.strictEqual(nms(boxes, [0.1, 0.3, 0.2], { iouThreshold: 0.5, maxOutput: 0 }).length, 0)
    assert.strictEqual(nms(f64([]), [], { iouThreshold: 0.5 }).length, 0)
  })
  it("keeps empty boxes (they overlap nothing)", () => {
    const boxes = f64([3, 3, 3, 3, 0, 0, 10, 10, 3, 3, 3, 3])
    assert.deepStrictEqual(Array.from(nms(boxes, [0.9, 0.5, 0.8], { iouThreshold: 0 })), [0, 2, 1])
  })
  it("refuses bad inputs with a message", () => {
    const boxes = f64([0, 0, 1, 1])
    assert.throws(() => nms(boxes, [0.5, 0.1], { iouThreshold: 0.5 }), RangeError, "expected one per box (1)")
    assert.throws(() => nms(boxes, [0.5], { iouThreshold: 1.5 }), RangeError, "iouThreshold must be in [0, 1]")
    assert.throws(() => nms(boxes, [Number.NaN], { iouThreshold: 0.5 }), RangeError, "scores must not be NaN")
    assert.throws(() => nms(f64([0, 0, 1]), [], { iouThreshold: 0.5 }), RangeError, "multiple of 4")
    assert.throws(() => nms(f64([0, Number.NaN, 1, 1]), [1], { iouThreshold: 0.5 }), RangeError, "NaN at box 0")
    assert.throws(() => nms(boxes, [1], { iouThreshold: 0.5, maxOutput: 1.5 }), RangeError, "non-negative integer")
    assert.strictEqual(nms(boxes, [1], { iouThreshold: 0.5, maxOutput: Number.POSITIVE_INFINITY }).length, 1)
  })

  it.prop("equals the textbook greedy loop", [scoredBoxes, iouThreshold, plusOne], ([s, t, p]) => {
    const expected = baselineNms(toDets(s.boxes, s.scores), t, p ? 1 : 0)
    assert.deepStrictEqual(Array.from(nms(s.boxes, s.scores, { iouThreshold: t, plusOne: p })), expected)
  })
  it.prop(
    "equals the textbook loop on real-valued boxes of very different sizes",
    [realScoredBoxes, anyIouThreshold, plusOne],
    ([s, t, p]) => {
      const expected = baselineNms(toDets(s.boxes, s.scores), t, p ? 1 : 0)
      assert.deepStrictEqual(Array.from(nms(s.boxes, s.scores, { iouThreshold: t, plusOne: p })), expected)
    },
  )
  it.prop(
    "agrees with the textbook loop on boxes at the edges of the scan window",
    [
      real(0.01, 0.99),
      real(0.1, 300),
      real(-1e-6, 1e-6),
      Arbitrary.schema(Schema.Literals([0, 1, 2, 3])),
      plusOne,
      plusOne,
      real(-1e-3, 1e-3),
    ],
    ([t, w, eps, side, p, bigFirst, nudge]) => {
      const off = p ? 1 : 0
      const a = [100, 200, 100 + w, 200 + w]
      // b: a stretched on one side until IoU(a, b) = t / (1 + eps), the farthest reach of the window
      const grow = ((w + off) / t) * (1 + eps) - (w + off)
      const b = [...a]
      b[side] += side < 2 ? -grow : grow
      // c: a cut on its left or top side until IoU(a, c) = t (1 + eps)
      const cut = (w + off) * (1 - t) * (1 + eps)
      const c = [...a]
      c[side % 2] += cut
      // 150 tiny far-away boxes split y1 into 3 bands; the first band edge falls next to b's or c's y1
      const edge = (bigFirst ? c[1] : b[1]) + nudge * (w + off)
      const minY = Math.min(a[1], b[1], c[1], edge) - 50
      const step = (3 * (edge - minY)) / 149
      const filler = Array.from({ length: 150 }, (_, k) => [5000, minY + step * k, 5001, minY + step * k + 1]).flat()
      const boxes = f64([...a, ...b, ...c, ...filler])
      const scores = [...(bigFirst ? [0.5, 0.9, 0.4] : [0.9, 0.5, 0.4]), ...Array(150).fill(0.1)]
      const expected = baselineNms(toDets(boxes, scores), t, off)
      assert.deepStrictEqual(Array.from(nms(boxes, scores, { iouThreshold: t, plusOne: p })), expected)
    },
  )
  it.prop(
    "returns a score-sorted subset with no kept pair above the threshold, and every dropped box is covered",
    [scoredBoxes, iouThreshold],
    ([{ boxes, scores }, t]) => {
      const keep = Array.from(nms(boxes, scores, { iouThreshold: t }))
      const n = scores.length
      const iou = iouMatrix(boxes, boxes)
      assert.strictEqual(new Set(keep).size, keep.length)
      for (let k = 1; k < keep.length; k++) {
        const [a, b] = [keep[k - 1], keep[k]]
        assert.isTrue(scores[a] > scores[b] || (scores[a] === scores[b] && a < b))
      }
      for (const a of keep) for (const b of keep) if (a !== b) assert.isAtMost(iou[a * n + b], t)
      const kept = new Set(keep)
      for (let d = 0; d < n; d++) {
        if (kept.has(d)) continue
        const rank = (i: number) => [scores[i], -i]
        const above = (i: number) => rank(i)[0] > rank(d)[0] || (rank(i)[0] === rank(d)[0] && i < d)
        assert.isTrue(
          keep.some((k) => above(k) && iou[k * n + d] > t),
          `dropped box ${d} has no covering kept box`,
        )
      }
    },
  )
})

describe("batchedNms()", () => {
  it("never lets boxes of different classes suppress each other", () => {
    const boxes = f64([0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10])
    const classes = Int32Array.from([0, 1, 0])
    assert.deepStrictEqual(Array.from(batchedNms(boxes, [0.9, 0.8, 0.95], classes, { iouThreshold: 0.5 })), [2, 1])
    assert.throws(() => batchedNms(boxes, [1, 1, 1], Int32Array.from([0]), { iouThreshold: 0.5 }), RangeError)
  })
  it.prop("equals per-class NMS merged by score", [scoredBoxes, iouThreshold, plusOne], ([s, t, p]) => {
    const dets = toDets(s.boxes, s.scores)
    const merged = [0, 1, 2]
      .flatMap((c) =>
        baselineNms(
          dets.filter((d) => s.classes[d.index] === c),
          t,
          p ? 1 : 0,
        ),
      )
      .sort((a, b) => s.scores[b] - s.scores[a] || a - b)
    const got = batchedNms(s.boxes, s.scores, s.classes, { iouThreshold: t, plusOne: p })
    assert.deepStrictEqual(Array.from(got), merged)
  })
  it.prop("equals per-class NMS merged on real-valued boxes", [realScoredBoxes, anyIouThreshold], ([s, t]) => {
    const dets = toDets(s.boxes, s.scores)
    const merged = [0, 1, 2, 3]
      .flatMap((c) =>
        baselineNms(
          dets.filter((d) => s.classes[d.index] === c),
          t,
        ),
      )
      .sort((a, b) => s.scores[b] - s.scores[a] || a - b)
    assert.deepStrictEqual(Array.from(batchedNms(s.boxes, s.scores, s.classes, { iouThreshold: t })), merged)
  })
  it.prop(
    "with maxOutput returns the first maxOutput of the unlimited result",
    [scoredBoxes, iouThreshold],
    ([s, t]) => {
      const all = batchedNms(s.boxes, s.scores, s.classes, { iouThreshold: t })
      const some = batchedNms(s.boxes, s.scores, s.classes, { iouThreshold: t, maxOutput: 3 })
      assert.deepStrictEqual(Array.from(some), Array.from(all.slice(0, 3)))
    },
  )
})

describe("baseline oracle", () => {
  it("computes the hand-worked IoU", () => {
    const [a, b] = toDets([0, 0, 2, 2, 1, 1, 3, 3])
    assert.closeTo(baselineIou(a, b), 1 / 7, 1e-15)
  })
})
