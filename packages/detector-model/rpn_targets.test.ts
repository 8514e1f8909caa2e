import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import { Schema } from "effect"
import { rpnTargets } from "./rpn_targets.ts"

const rules = {
  imageWidth: 64,
  imageHeight: 64,
  allowedBorder: 0,
  fgIou: 0.5,
  bgIou: 0.4,
  ignoreIou: 0.3,
  batchSize: 256,
  fgFraction: 0.5,
}
const anchors = Float32Array.from([
  ...[0, 0, 10, 10], // IoU 100/120 with the valid box: fg
  ...[0, 0, 20, 20], // IoU 120/400 = 0.3 with it: bg
  ...[30, 30, 50, 50], // IoU 360/440 with the ignored box: neither
  ...[50, 50, 70, 70], // leaves the 64 px chip: never labelled
  ...[40, 0, 60, 20], // touches nothing: bg
])
const truth = {
  boxes: Float32Array.from([0, 0, 10, 12, 32, 30, 52, 50]),
  category: Int32Array.from([0, 1]),
  valid: Uint8Array.from([1, 0]),
}

describe("rpnTargets()", () => {
  it("rpnTargets() labels fg, bg, ignored and outside anchors as computed by hand", () => {
    const t = rpnTargets(anchors, truth, { ...rules, prng: new Prng([1]).asFunction() })
    assert.deepStrictEqual(Array.from(t.labels), [1, 0, -1, -1, 0])
    assert.strictEqual(t.fgCount, 1)
    assert.strictEqual(t.bgCount, 2)
    // anchor 0 -> box 0: centre (5, 5) -> (5, 6), size 10x10 -> 10x12
    const d = Array.from(t.deltas.subarray(0, 4))
    assert.closeTo(d[0], 0, 1e-6)
    assert.closeTo(d[1], 0.1, 1e-6)
    assert.closeTo(d[2], 0, 1e-6)
    assert.closeTo(d[3], Math.log(1.2), 1e-6)
    assert.deepStrictEqual(Array.from(t.deltas.subarray(4)), new Array(16).fill(0))
  })

  it("rpnTargets() lets an anchor 32 px outside the chip be labelled, one 33 px outside not", () => {
    const a = Float32Array.from([-32, 0, 10, 10, -33, 0, 10, 10])
    const empty = { boxes: new Float32Array(0), category: new Int32Array(0), valid: new Uint8Array(0) }
    const t = rpnTargets(a, empty, {
      ...rules,
      allowedBorder: 32,
      prng: new Prng([1]).asFunction(),
    })
    assert.deepStrictEqual(Array.from(t.labels), [0, -1])
  })

  it("rpnTargets() makes the best anchor of a box fg below fgIou, and ignores only above ignoreIou", () => {
    // box [0, 0, 30, 30]: anchor 1 has IoU 400/900 = 0.44 (best, < 0.5); anchor 0 100/900 -> bg
    const t = rpnTargets(
      anchors,
      { boxes: Float32Array.from([0, 0, 30, 30]), category: Int32Array.from([0]), valid: Uint8Array.from([1]) },
      { ...rules, prng: new Prng([1]).asFunction() },
    )
    assert.deepStrictEqual(Array.from(t.labels), [0, 1, 0, -1, 0])
    // an ignored box with IoU exactly 0.3 (anchor 1 vs [0, 0, 10, 12]) does not ignore
    const u = rpnTargets(
      anchors,
      { boxes: Float32Array.from([0, 0, 10, 12]), category: Int32Array.from([0]), valid: Uint8Array.from([0]) },
      { ...rules, prng: new Prng([1]).asFunction() },
    )
    assert.deepStrictEqual(Array.from(u.labels), [-1, 0, 0, -1, 0])
  })

  it("rpnTargets() makes every inside anchor bg on a chip without boxes", () => {
    const empty = { boxes: new Float32Array(0), category: new Int32Array(0), valid: new Uint8Array(0) }
    const t = rpnTargets(anchors, empty, { ...rules, prng: new Prng([1]).asFunction() })
    assert.deepStrictEqual(Array.from(t.labels), [0, 0, 0, -1, 0])
  })

  it("rpnTargets() gives a box under a pixel no anchor and never NaN", () => {
    const t = rpnTargets(
      anchors,
      {
        boxes: Float32Array.from([100, 100, 100.5, 100.2]),
        category: Int32Array.from([0]),
        valid: Uint8Array.from([1]),
      },
      { ...rules, prng: new Prng([1]).asFunction() },
    )
    assert.deepStrictEqual(Array.from(t.labels), [0, 0, 0, -1, 0])
    assert.isTrue(t.deltas.every(Number.isFinite))
  })

  it.prop(
    "rpnTargets() samples at most batchSize anchors, at most fgFraction of them fg",
    [
      Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 40 })),
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1000 })),
    ],
    ([batchSize, seed]) => {
      // 64 anchors tiled over the chip; boxes over half of them
      const a = new Float32Array(64 * 4)
      for (let i = 0; i < 64; i++)
        a.set([(i % 8) * 8, Math.floor(i / 8) * 8, (i % 8) * 8 + 8, Math.floor(i / 8) * 8 + 8], 4 * i)
      const boxes = a.slice(0, 32 * 4)
      const t = rpnTargets(
        a,
        { boxes, category: new Int32Array(32), valid: new Uint8Array(32).fill(1) },
        { ...rules, batchSize, prng: new Prng([seed]).asFunction() },
      )
      const fg = t.labels.filter((l) => l === 1).length
      const bg = t.labels.filter((l) => l === 0).length
      assert.strictEqual(fg, Math.min(32, Math.floor(0.5 * batchSize)))
      assert.strictEqual(bg, Math.min(32, batchSize - fg))
      assert.strictEqual(t.fgCount, fg)
    },
  )
})
