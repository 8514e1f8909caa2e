import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import { Schema } from "effect"
import { naiveGreedyCover } from "./_naive_cover.ts"
import { type CandidateGrid, candidateChips, candidateContains } from "./candidates.ts"
import { greedyCover, liveOrder } from "./greedy_cover.ts"

const seedArb = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 2 ** 31 - 1 }))

/** Random boxes that fit a chip of the grid (max side < C - d - 1), clipped to [0, W - 2] x [0, H - 2]. */
function randomBoxes(rng: Prng, grid: CandidateGrid, count: number): Float64Array {
  const out = new Float64Array(4 * count)
  const maxSide = grid.chipSize - grid.stride - 4 // sides stay below C - d - 1
  for (let j = 0; j < count; j++) {
    const w = 2 + rng.next() * Math.min(maxSide, grid.width - 4)
    const h = 2 + rng.next() * Math.min(maxSide, grid.height - 4)
    const x = rng.next() * (grid.width - 2 - w)
    const y = rng.next() * (grid.height - 2 - h)
    out.set([x, y, x + w, y + h], 4 * j)
  }
  return out
}

/** Minimum number of candidates covering every coverable box: DP over box subsets (few boxes only). */
function bruteForceMinimum(grid: CandidateGrid, boxes: Float64Array): { optimum: number; largest: number } {
  const m = boxes.length / 4
  const sets = new Set<number>()
  let coverable = 0
  for (let k = 0; k < grid.count; k++) {
    let mask = 0
    for (let j = 0; j < m; j++) {
      const b = boxes.subarray(4 * j, 4 * j + 4)
      if (candidateContains(grid, k, b[0], b[1], b[2], b[3])) mask |= 1 << j
    }
    if (mask !== 0) sets.add(mask)
    coverable |= mask
  }
  const best = new Array<number>(1 << m).fill(Number.POSITIVE_INFINITY)
  best[0] = 0
  for (let mask = 0; mask < 1 << m; mask++) {
    if (best[mask] === Number.POSITIVE_INFINITY) continue
    for (const s of sets) best[mask | s] = Math.min(best[mask | s], best[mask] + 1)
  }
  let largest = 0
  for (const s of sets) largest = Math.max(largest, popCount(s))
  return { optimum: best[coverable], largest }
}

function popCount(x: number): number {
  let n = 0
  for (let v = x; v !== 0; v &= v - 1) n++
  return n
}

const harmonic = (n: number) => Array.from({ length: n }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0)

describe("greedyCover()", () => {
  it("picks the chip holding two boxes, then the only chip holding the third (hand-computed)", () => {
    // 1024 x 1024, C = 512, d = 256: A only in grid (0, 0); B in grid (0, 0) and (0, 256); C only in the
    // bottom-right corner [512, 512, 1023, 1023]. Grid (0, 0) holds 2, a unique maximum, whatever the shuffle.
    const grid = candidateChips(1024, 1024, { chipSize: 512, stride: 256 })
    const boxes = new Float64Array([10, 10, 50, 50, 100, 300, 200, 400, 700, 700, 800, 800])
    const cover = greedyCover(grid, boxes, new Prng([1]))
    assert.deepStrictEqual(Array.from(cover.chosen), [3, 2]) // grid (0, 0) is candidate 3, the corner 2
    assert.deepStrictEqual(Array.from(cover.newlyCovered), [2, 1])
    assert.deepStrictEqual(Array.from(cover.coveredBy), [0, 0, 1])
  })
  it("breaks ties by the first candidate of the shuffled order", () => {
    // One box inside 4 grid chips: the pick is the first of them in the shuffle of the live candidates.
    const grid = candidateChips(1024, 1024, { chipSize: 512, stride: 256 })
    const boxes = new Float64Array([300, 300, 400, 400])
    for (const seed of [1, 2, 3, 4, 5]) {
      const counts = new Int32Array(grid.count)
      for (let k = 0; k < grid.count; k++) counts[k] = candidateContains(grid, k, 300, 300, 400, 400) ? 1 : 0
      const expected = liveOrder(counts, new Prng([seed]))[0]
      assert.deepStrictEqual(Array.from(greedyCover(grid, boxes, new Prng([seed])).chosen), [expected])
    }
  })
  it("picks nothing without boxes, and leaves a box no candidate contains uncovered", () => {
    const grid = candidateChips(1024, 1024, { chipSize: 512, stride: 256 })
    assert.strictEqual(greedyCover(grid, new Float64Array(0), new Prng([1])).chosen.length, 0)
    const big = greedyCover(grid, new Float64Array([0, 0, 600, 600]), new Prng([1]))
    assert.strictEqual(big.chosen.length, 0)
    assert.strictEqual(big.coveredBy[0], -1)
  })
  it.prop("matches the naive greedy pick for pick", [seedArb], ([seed]) => {
    const rng = new Prng([seed, 7])
    const grid = candidateChips(513 + rng.int(0, 1500), 513 + rng.int(0, 1200), {
      chipSize: 512,
      stride: rng.int(32, 60),
    })
    const boxes = randomBoxes(rng, grid, rng.int(0, 40))
    const fast = greedyCover(grid, boxes, new Prng([seed]))
    const naive = naiveGreedyCover(grid, boxes, new Prng([seed]))
    assert.deepStrictEqual(Array.from(fast.chosen), Array.from(naive.chosen))
    assert.deepStrictEqual(Array.from(fast.coveredBy), Array.from(naive.coveredBy))
  })
  it.prop(
    "covers every fitting box, within H(largest set) of the brute-force minimum",
    [seedArb],
    ([seed]) => {
      const rng = new Prng([seed, 11])
      const grid = candidateChips(400 + rng.int(0, 900), 400 + rng.int(0, 700), { chipSize: 512, stride: 56 })
      const boxes = randomBoxes(rng, grid, rng.int(1, 9))
      const cover = greedyCover(grid, boxes, new Prng([seed]))
      for (const by of cover.coveredBy) assert.isTrue(by >= 0, "a fitting box was left uncovered")
      for (let j = 0; j < boxes.length / 4; j++) {
        const b = boxes.subarray(4 * j, 4 * j + 4)
        assert.isTrue(candidateContains(grid, cover.chosen[cover.coveredBy[j]], b[0], b[1], b[2], b[3]))
      }
      const { optimum, largest } = bruteForceMinimum(grid, boxes)
      assert.isAtLeast(cover.chosen.length, optimum)
      assert.isAtMost(cover.chosen.length, harmonic(largest) * optimum + 1e-9)
    },
    { arbitrary: { runs: 150 } },
  )
})
