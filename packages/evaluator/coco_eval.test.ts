import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { type CocoCase, cocoCase } from "./case_fixtures.ts"
import { type CocoJson, columnsFromJson } from "./json_fixtures.ts"
import { evaluateBoxes, formatFixed3, formatStats } from "./mod.ts"
import { type JsonBox, straightforwardEval } from "./straightforward_eval_fixtures.ts"

function evaluate(gt: CocoJson, dt: ReadonlyArray<JsonBox>) {
  const cols = columnsFromJson(gt, dt)
  return evaluateBoxes(cols.gt, cols.dt)
}

function box(image_id: number, bbox: number[], extra: Partial<JsonBox> = {}): JsonBox {
  return { image_id, category_id: 1, bbox, ...extra }
}

function assertStats(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-12) {
  for (let i = 0; i < 12; i++) assert.closeTo(actual[i], expected[i], tolerance, `stat ${i}`)
}

/** Rounded to 1e-9: pycocotools' precision is tp / (tp + fp + eps), so a perfect 1 reads 0.9999999999999999. */
function near(xs: Iterable<number>): number[] {
  return [...xs].map((x) => Math.round(x * 1e9) / 1e9)
}

const oneCat = [{ id: 1 }]

describe("evaluateBoxes() against pycocotools", () => {
  const golden = JSON.parse(readFileSync(new URL("./golden_pycocotools.json", import.meta.url), "utf8")) as {
    cases: Array<
      CocoCase & { name: string; pycocotools: { stats: number[]; perCategoryAp: number[]; printed: string[] } }
    >
  }
  for (const c of golden.cases) {
    it(`evaluateBoxes() gives pycocotools' numbers on generated case ${c.name}`, () => {
      const result = evaluate(c.gt, c.dt)
      assertStats(result.stats, c.pycocotools.stats)
      assert.strictEqual(formatStats(result.stats, result.params), c.pycocotools.printed.join("\n"))
      c.pycocotools.perCategoryAp.forEach((ap, k) => {
        assert.closeTo(result.perCategory[k].ap, ap, 1e-12)
      })
    })
  }
})

describe("evaluateBoxes() on hand-worked cases", () => {
  const gtA = { images: [{ id: 1 }], categories: oneCat, annotations: [box(1, [0, 0, 10, 10], { id: 1 })] }

  it("breaks score ties by file order within an image", () => {
    // fp then tp at equal score: rc [0, 1], pr [0, 0.5] -> envelope 0.5 everywhere -> AP 0.5; the other way AP 1
    const fp = box(1, [50, 50, 10, 10], { score: 0.5 })
    const tp = box(1, [0, 0, 10, 10], { score: 0.5 })
    assert.closeTo(evaluate(gtA, [fp, tp]).stats[0], 0.5, 1e-12)
    assert.closeTo(evaluate(gtA, [tp, fp]).stats[0], 1, 1e-12)
  })

  it("breaks score ties across images by image id, whatever the file order", () => {
    // image 5 holds the ground truth and a hit; image 3 (no ground truth) a miss at the same score: 3 sorts first
    const gt = { images: [{ id: 5 }, { id: 3 }], categories: oneCat, annotations: [box(5, [0, 0, 10, 10], { id: 1 })] }
    const hit = box(5, [0, 0, 10, 10], { score: 0.5 })
    const miss = box(3, [0, 0, 10, 10], { score: 0.5 })
    assert.closeTo(evaluate(gt, [hit, miss]).stats[0], 0.5, 1e-12)
    assert.closeTo(evaluate(gt, [miss, hit]).stats[0], 0.5, 1e-12)
    const swapped = { ...gt, images: [{ id: 3 }, { id: 5 }], annotations: [box(3, [0, 0, 10, 10], { id: 1 })] }
    const hit3 = box(3, [0, 0, 10, 10], { score: 0.5 })
    const miss5 = box(5, [0, 0, 10, 10], { score: 0.5 })
    assert.closeTo(evaluate(swapped, [miss5, hit3]).stats[0], 1, 1e-12)
  })

  it("counts detections on images without ground truth as false positives", () => {
    // image 2 has no ground truth: its 0.9 box is a miss ranked before the 0.8 hit -> precision 0.5 throughout
    const gt = { images: [{ id: 1 }, { id: 2 }], categories: oneCat, annotations: [box(1, [0, 0, 10, 10], { id: 1 })] }
    const result = evaluate(gt, [box(2, [0, 0, 10, 10], { score: 0.9 }), box(1, [0, 0, 10, 10], { score: 0.8 })])
    assert.closeTo(result.stats[0], 0.5, 1e-12)
    assert.closeTo(result.stats[8], 1, 1e-12)
  })

  it("matches crowd ground truth by intersection over the detection, many times, never as a miss", () => {
    const gt = {
      images: [{ id: 1 }],
      categories: oneCat,
      annotations: [box(1, [0, 0, 10, 10], { id: 1 }), box(1, [100, 100, 100, 100], { id: 2, iscrowd: 1 })],
    }
    const inCrowd1 = box(1, [110, 110, 10, 10], { score: 0.9 })
    const inCrowd2 = box(1, [150, 150, 20, 20], { score: 0.85 })
    const hit = box(1, [0, 0, 10, 10], { score: 0.8 })
    const crowd = evaluate(gt, [inCrowd1, inCrowd2, hit])
    assert.closeTo(crowd.stats[0], 1, 1e-12)
    assert.closeTo(crowd.stats[8], 1, 1e-12)
    // the same box as a regular object: two misses first, 1 of 2 found: rc [0, 0, .5], pr [0, 0, 1/3]
    // -> precision 1/3 at the 51 recall thresholds 0..0.50, 0 above: AP@.5:.95 = 51/3/101
    const plain = { ...gt, annotations: [gt.annotations[0], { ...gt.annotations[1], iscrowd: 0 }] }
    const result = evaluate(plain, [inCrowd1, inCrowd2, hit])
    assert.closeTo(result.stats[0], 51 / 3 / 101, 1e-12)
    assert.closeTo(result.stats[8], 0.5, 1e-12)
  })

  it("keeps a matched regular object over a better ignored one", () => {
    // the detection overlaps the regular box with IoU 0.81 and lies inside the crowd box: it is a true positive
    const gt = {
      images: [{ id: 1 }],
      categories: oneCat,
      annotations: [box(1, [0, 0, 10, 10], { id: 1 }), box(1, [0, 0, 10, 10], { id: 2, iscrowd: 1 })],
    }
    assert.closeTo(evaluate(gt, [box(1, [0, 0, 9, 9], { score: 1 })]).stats[1], 1, 1e-12)
  })

  it("ignores images with neither ground truth nor detections", () => {
    const dts = [box(1, [50, 50, 10, 10], { score: 0.9 }), box(1, [1, 0, 10, 10], { score: 0.4 })]
    const withEmpty = { ...gtA, images: [{ id: 7 }, { id: 1 }, { id: 9 }] }
    assertStats(evaluate(withEmpty, dts).stats, evaluate(gtA, dts).stats)
  })

  it("counts a category without detections as AP 0 and one without ground truth not at all", () => {
    const gt = {
      images: [{ id: 1 }],
      categories: [{ id: 1 }, { id: 2 }, { id: 3 }],
      annotations: [box(1, [0, 0, 10, 10], { id: 1 }), { ...box(1, [20, 20, 10, 10], { id: 2 }), category_id: 2 }],
    }
    const result = evaluate(gt, [box(1, [0, 0, 10, 10], { score: 0.9 })])
    assert.deepStrictEqual(near(result.perCategory.map((c) => c.ap)), [1, 0, -1])
    assert.closeTo(result.stats[0], 0.5, 1e-12)
  })

  it("keeps only the 100 best detections of an image and category, and 1 or 10 for AR@1, AR@10", () => {
    const misses = (n: number) => Array.from({ length: n }, (_, i) => box(1, [100 + i, 100, 5, 5], { score: 0.9 }))
    const late = box(1, [0, 0, 10, 10], { score: 0.1 })
    const cut = evaluate(gtA, [...misses(100), late])
    assert.strictEqual(cut.stats[8], 0)
    const kept = evaluate(gtA, [...misses(99), late])
    assert.deepStrictEqual([kept.stats[6], kept.stats[7], kept.stats[8]], [0, 0, 1])
    // precision 1/100 at every recall threshold
    assert.closeTo(kept.stats[1], 0.01, 1e-12)
  })

  it("uses the annotation's area field for the area ranges, both ends inclusive", () => {
    // a 10x10 box whose area field says 32^2: small and medium; a detection's own area is w * h
    const gt = { images: [{ id: 1 }], categories: oneCat, annotations: [box(1, [0, 0, 10, 10], { id: 1, area: 1024 })] }
    const result = evaluate(gt, [box(1, [0, 0, 10, 10], { score: 0.9 })])
    assert.deepStrictEqual(near(result.stats.subarray(3, 6)), [1, 1, -1])
    // an unmatched detection outside the range is ignored there: medium AP stays 1 with a 5x5 miss added
    const withMiss = evaluate(gt, [box(1, [50, 50, 5, 5], { score: 0.95 }), box(1, [0, 0, 10, 10], { score: 0.9 })])
    assert.deepStrictEqual([withMiss.stats[3] < 0.9, near([withMiss.stats[4]])[0]], [true, 1])
  })

  it("gives 0 where there is ground truth and -1 elsewhere without detections", () => {
    const result = evaluate(gtA, [])
    assert.deepStrictEqual([...result.stats], [0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1])
  })

  it("refuses rows outside the ground truth", () => {
    const { gt, dt } = columnsFromJson(gtA, [box(1, [0, 0, 1, 1], { score: 1 })])
    assert.throws(() => evaluateBoxes(gt, { ...dt, image: Int32Array.of(3) }), /image row must be in \[0, 1\)/)
    assert.throws(() => evaluateBoxes(gt, { ...dt, category: Int32Array.of(-1) }), /category row must be in/)
  })
})

describe("evaluateBoxes() on zero-area ground truth and unknown categories", () => {
  // one 10x10 object and one of zero width (area field 0, so in "all" and "small"); pycocotools gives every stat below
  const flat = box(1, [20, 20, 0, 10], { id: 2, area: 0 })
  const gt = {
    images: [{ id: 1 }],
    categories: oneCat,
    annotations: [box(1, [0, 0, 10, 10], { id: 1, area: 100 }), flat],
  }
  const hit = box(1, [0, 0, 10, 10], { score: 0.9 })

  it("evaluateBoxes() counts a zero-area object in recall though nothing can match it", () => {
    // a detection on the flat box itself has IoU 0 (no intersection), so it is a miss ranked first:
    // rc [0, .5], pr [0, .5] -> precision .5 at the 51 recall thresholds 0..0.50, 0 above: AP 25.5 / 101
    const result = evaluate(gt, [box(1, [20, 20, 0, 10], { score: 0.95 }), hit])
    assertStats(result.stats, [25.5 / 101, 25.5 / 101, 25.5 / 101, 25.5 / 101, -1, -1, 0, 0.5, 0.5, 0.5, -1, -1])
    // without it, the same detections score AP .5 (miss then hit) and AR 1: the object halves recall
    const without = evaluate({ ...gt, annotations: [gt.annotations[0]] }, [
      box(1, [20, 20, 0, 10], { score: 0.95 }),
      hit,
    ])
    assertStats(without.stats, [0.5, 0.5, 0.5, 0.5, -1, -1, 0, 1, 1, 1, -1, -1])
  })

  it("evaluateBoxes() lets a zero-area crowd region absorb no detection", () => {
    // crowd: not counted in recall, and its IoU (intersection over the detection) is 0, so a box around it is a miss
    const crowd = { ...gt, annotations: [gt.annotations[0], { ...flat, iscrowd: 1 }] }
    const result = evaluate(crowd, [box(1, [18, 18, 4, 14], { score: 0.95 }), hit])
    assertStats(result.stats, [0.5, 0.5, 0.5, 0.5, -1, -1, 0, 1, 1, 1, -1, -1])
  })

  it("evaluateBoxes() uses a zero-area object's area field for its range", () => {
    // a flat box whose mask area is 2000 (medium): medium AP/AR are 0 instead of -1, small ones stay 1
    const medium = { ...gt, annotations: [gt.annotations[0], { ...flat, area: 2000 }] }
    const result = evaluate(medium, [hit])
    assert.deepStrictEqual(near(result.stats), near([51 / 101, 51 / 101, 51 / 101, 1, 0, -1, 0.5, 0.5, 0.5, 1, 0, -1]))
  })

  it("straightforwardEval() never reads a detection of an unknown category, as pycocotools' evaluate", () => {
    const ids = [box(1, [0, 0, 10, 10], { category_id: 7, score: 0.99 }), hit]
    const plain = straightforwardEval([1], [1], gt.annotations, ids)
    assertStats(plain.stats, straightforwardEval([1], [1], gt.annotations, [hit]).stats)
    assertStats(plain.stats, [51 / 101, 51 / 101, 51 / 101, 51 / 101, -1, -1, 0.5, 0.5, 0.5, 0.5, -1, -1])
  })
})

const caseArb = cocoCase()
const int = (minimum: number, maximum: number) =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))
const fast = { timeout: 60_000, arbitrary: { runs: 60 } }

/** The same case with distinct scores (ties make order matter, as in pycocotools). */
function distinctScores(c: CocoCase): ReadonlyArray<JsonBox> {
  return c.dt.map((d, i) => ({ ...d, score: d.score! + i * 1e-6 }))
}

/** Both implementations on one case: the same stats, and the same bits in the arrays (same arithmetic). */
function assertAgrees(c: CocoCase) {
  const ids = (xs: ReadonlyArray<{ id: number }>) => xs.map((x) => x.id)
  const expected = straightforwardEval(ids(c.gt.images), ids(c.gt.categories), c.gt.annotations, c.dt)
  const actual = evaluate(c.gt, c.dt)
  assertStats(actual.stats, expected.stats, 1e-12)
  assert.deepStrictEqual(actual.precision, expected.precision)
  assert.deepStrictEqual(actual.recall, expected.recall)
  assert.deepStrictEqual(actual.scores, expected.scores)
}

describe("evaluateBoxes() invariants", () => {
  it.prop("agrees with the straightforward implementation", [caseArb], ([c]) => assertAgrees(c), fast)

  it.prop(
    "agrees with the straightforward implementation with zero-area ground truth and unknown categories",
    [cocoCase({ degenerate: true })],
    ([c]) => assertAgrees(c),
    fast,
  )

  it.prop(
    "gives AP 1 to perfect detections",
    [caseArb],
    ([c]) => {
      const perfect = c.gt.annotations
        .filter((g) => g.iscrowd === 0)
        .map((g, i) => ({ image_id: g.image_id, category_id: g.category_id, bbox: g.bbox, score: 1 - i * 1e-3 }))
      const stats = evaluate(c.gt, perfect).stats
      for (let i = 0; i < 6; i++)
        assert.isTrue(Math.abs(stats[i] - 1) < 1e-12 || stats[i] === -1, `stat ${i} is ${stats[i]}`)
      assert.isTrue(stats[8] === 1 || stats[8] === -1)
    },
    fast,
  )

  it.prop(
    "ignores the order of detections with distinct scores",
    [caseArb, Arbitrary.array(int(0, 1 << 30), { minLength: 400, maxLength: 400 })],
    ([c, keys]) => {
      const dts = distinctScores(c)
      const shuffled = dts
        .map((d, i) => ({ d, key: keys[i % keys.length] + i / 1000 }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.d)
      assertStats(evaluate(c.gt, shuffled).stats, evaluate(c.gt, dts).stats, 1e-12)
    },
    fast,
  )

  it.prop(
    "never raises AP or AR when a low-score false positive is added",
    [caseArb, int(0, 1000)],
    ([c, pick]) => {
      if (c.gt.annotations.length === 0) return
      const g = c.gt.annotations[pick % c.gt.annotations.length]
      const extra = { image_id: g.image_id, category_id: g.category_id, bbox: [5000, 5000, 20, 20], score: -1 }
      const before = evaluate(c.gt, c.dt).stats
      const after = evaluate(c.gt, [...c.dt, extra]).stats
      for (let i = 0; i < 12; i++)
        assert.isTrue(after[i] <= before[i] + 1e-12, `stat ${i}: ${before[i]} -> ${after[i]}`)
    },
    fast,
  )
})

describe("formatFixed3()", () => {
  it("formatFixed3() rounds exact ties to even as Python's {:0.3f} does", () => {
    // Python: ['{:0.3f}'.format(j / 16) for j in range(-1, 17)]
    const python =
      "-0.062 0.000 0.062 0.125 0.188 0.250 0.312 0.375 0.438 0.500 0.562 0.625 0.688 0.750 0.812 0.875 0.938 1.000"
    const ours = Array.from({ length: 18 }, (_, i) => formatFixed3((i - 1) / 16)).join(" ")
    assert.strictEqual(ours, python)
    assert.strictEqual(formatFixed3(-1), "-1.000")
    assert.strictEqual(formatFixed3(0.0004999), "0.000")
    // stored just below the half: not a tie, though 0.0375 * 1000 rounds to 37.5
    assert.strictEqual(formatFixed3(0.0375), "0.037")
    assert.strictEqual(formatFixed3(0.0875), "0.087")
  })
})
