import { assert, beforeAll, describe, it } from "@effect/vitest"
import type { ValidRange } from "@sniper/boxes"
import { type Detector, detect, disposeDetector } from "@sniper/detector-model"
import * as tf from "@tensorflow/tfjs"
import { Arbitrary, Effect, Schema } from "effect"
import { randomImage, readyBackend, tinyDetector } from "./inference_fixtures.ts"
import { detectImage, type InferenceOptions, mergeOptionsOf, mergeScales, scaleImage } from "./mod.ts"

let detector: Detector
beforeAll(async () => {
  await readyBackend()
  detector = tinyDetector()
  return () => disposeDetector(detector)
})

const options = (scales: InferenceOptions["scales"], validRanges?: ReadonlyArray<ValidRange>): InferenceOptions => ({
  scales,
  validRanges: validRanges ?? scales.map(() => [-1, -1] as const),
  merge: "soft-nms",
  maxPerImage: 100,
  scoreThreshold: 0.001,
})

const int = (minimum: number, maximum: number) =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))
const resolution = Arbitrary.map(Arbitrary.all([int(0, 1), int(12, 120), int(16, 160)]), ([kind, short, long]) =>
  kind === 0 ? { short: -1, long } : { short, long },
)

describe("detectImage()", () => {
  it.effect.prop(
    "puts every box inside its image, whatever the image size and test scales",
    [int(5, 150), int(5, 150), Arbitrary.array(resolution, { minLength: 1, maxLength: 3 }), int(1, 1000)],
    ([width, height, scales, seed]) =>
      Effect.gen(function* () {
        const before = tf.memory().numTensors
        const found = yield* detectImage(detector, randomImage(width, height, seed), options(scales))
        assert.strictEqual(tf.memory().numTensors, before)
        assert.isAtMost(found.count, 100)
        for (let i = 0; i < found.count; i++) {
          const [x1, y1, x2, y2] = found.boxes.subarray(4 * i, 4 * i + 4)
          assert.isTrue(
            0 <= x1 && x1 <= x2 && x2 <= width && 0 <= y1 && y1 <= y2 && y2 <= height,
            `${[x1, y1, x2, y2]}`,
          )
          assert.isTrue(found.categories[i] >= 0 && found.categories[i] < 3)
          assert.isTrue(found.scale[i] >= 0 && found.scale[i] < scales.length)
          if (i > 0) assert.isAtMost(found.scores[i], found.scores[i - 1])
        }
      }),
    { timeout: 120_000, arbitrary: { runs: 20 } },
  )

  it.effect("maps each scale back with its own x and y factors (content size by rounding)", () =>
    Effect.gen(function* () {
      // 333x100 at short side 150: s = 1.5, content round(499.5) = 500 x 150 in a 512 x 160 input, so x is
      // divided by 500/333 = 1.5015 and y by 1.5. Independently: detect() on the same input, mapped by hand.
      const image = randomImage(333, 100, 9)
      const opts = options([{ short: 150, long: -1 }])
      const got = yield* detectImage(detector, image, opts)
      const [{ geometry, pixels }] = yield* scaleImage(image, { scales: opts.scales, stride: 16 })
      assert.deepStrictEqual([geometry.contentWidth, geometry.inputWidth, geometry.inputHeight], [500, 512, 160])
      const input = tf.tensor4d(pixels, [1, 160, 512, 3])
      const [raw] = detect(detector, input, {
        scoreThreshold: 0.001,
        nmsIou: 1,
        maxDetections: Number.POSITIVE_INFINITY,
        contentSizes: [{ width: 500, height: 150 }],
      })
      input.dispose()
      const boxes = Float64Array.from(raw.boxes, (v, k) =>
        Math.min(k % 2 === 0 ? 333 : 100, v / (k % 2 === 0 ? 500 / 333 : 1.5)),
      )
      const want = mergeScales(
        [{ boxes, scores: raw.scores, categories: raw.categories, validRange: [-1, -1] }],
        mergeOptionsOf(opts),
      )
      assert.isAbove(got.count, 10)
      assert.strictEqual(got.count, want.count)
      got.boxes.forEach((v, k) => {
        assert.closeTo(v, want.boxes[k], 1e-9)
      })
      assert.deepStrictEqual(got.scores, want.scores)
      assert.deepStrictEqual(got.categories, want.categories)
      // Boxes reach the right edge of the content (x = 500 in the 512 px input), which is x = 333, never beyond.
      let right = 0
      for (let i = 0; i < got.count; i++) right = Math.max(right, got.boxes[4 * i + 2])
      assert.isTrue(right > 332 && right <= 333, `${right}`)
    }),
  )

  it.effect("keeps a scale's detections only inside its valid range", () =>
    Effect.gen(function* () {
      const image = randomImage(120, 90, 5)
      const scales = [
        { short: -1, long: 160 },
        { short: -1, long: 64 },
      ]
      const ranges: ReadonlyArray<ValidRange> = [
        [-1, 20],
        [30, -1],
      ]
      const found = yield* detectImage(detector, image, { ...options(scales, ranges), merge: "nms" })
      assert.isAbove(found.count, 0)
      for (let i = 0; i < found.count; i++) {
        const [x1, y1, x2, y2] = found.boxes.subarray(4 * i, 4 * i + 4)
        const size = Math.sqrt((x2 - x1) * (y2 - y1))
        if (found.scale[i] === 0) assert.isAtMost(size, 20)
        else assert.isAbove(size, 30)
      }
    }),
  )

  it("refuses options without one valid range per scale", () => {
    assert.throws(
      () =>
        Effect.runSync(
          detectImage(detector, randomImage(10, 10, 1), { ...options([{ short: -1, long: 32 }]), validRanges: [] }),
        ),
      /validRanges must give one range per test scale \(1\), current length is 0/,
    )
  })
})
