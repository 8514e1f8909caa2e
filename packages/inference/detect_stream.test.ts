import { assert, beforeAll, describe, it } from "@effect/vitest"
import { BadImage, type DecodedImage, makeBadImageLog } from "@sniper/coco-io"
import { type Detector, disposeDetector } from "@sniper/detector-model"
import { Effect, Stream } from "effect"
import { randomImage, readyBackend, tinyDetector } from "./inference_fixtures.ts"
import { detectImage, detectStream, type InferenceOptions } from "./mod.ts"

let detector: Detector
beforeAll(async () => {
  await readyBackend()
  detector = tinyDetector()
  return () => disposeDetector(detector)
})

const options: InferenceOptions = {
  scales: [
    { short: -1, long: 96 },
    { short: -1, long: 48 },
  ],
  validRanges: [
    [-1, 40],
    [20, -1],
  ],
  merge: "soft-nms",
  maxPerImage: 50,
  scoreThreshold: 0.001,
}

const sizes = [
  [60, 40],
  [33, 71],
  [80, 80],
  [45, 20],
  [64, 50],
  [25, 90],
]
const images: ReadonlyArray<DecodedImage> = sizes.map(([w, h], i) => randomImage(w, h, i + 1))

describe("detectStream()", () => {
  it.live("emits in input order while decoding ahead, and equals detectImage on every image", () =>
    Effect.gen(function* () {
      const events: Array<string> = []
      // The first images decode slowest, so with two decodes at once later ones finish first.
      const decode = (i: number) =>
        Effect.gen(function* () {
          events.push(`start ${i}`)
          yield* Effect.sleep(`${(images.length - i) * 15} millis`)
          events.push(`end ${i}`)
          return images[i]
        })
      const out = yield* Stream.runCollect(
        detectStream(detector, Stream.fromIterable([0, 1, 2, 3, 4, 5]), { ...options, decode }),
      )
      assert.deepStrictEqual(
        out.map((d) => [d.input, d.index, d.image.width, d.image.height]),
        sizes.map(([w, h], i) => [i, i, w, h]),
      )
      // Image 1 started decoding before image 0 was done: two at once, not one after the other.
      assert.isBelow(events.indexOf("start 1"), events.indexOf("end 0"))
      for (const [i, d] of out.entries()) {
        const alone = yield* detectImage(detector, images[i], options)
        assert.deepStrictEqual(d.detections, alone)
      }
    }),
  )

  it.effect("skips an unreadable image and records it in the log, or fails without a log", () =>
    Effect.gen(function* () {
      const bad = new BadImage({ imageId: 7, file: "broken.jpg", reason: "corrupt", detail: "truncated JPEG" })
      const decode = (name: string) => (name === "broken" ? Effect.fail(bad) : Effect.succeed(images[Number(name)]))
      const inputs = ["0", "broken", "2"]
      const log = yield* makeBadImageLog
      const out = yield* Stream.runCollect(detectStream(detector, inputs, { ...options, decode, badImages: log }))
      assert.deepStrictEqual(
        out.map((d) => [d.input, d.index]),
        [
          ["0", 0],
          ["2", 2],
        ],
      )
      assert.deepStrictEqual(yield* log.failures, [bad])
      const error = yield* Stream.runCollect(detectStream(detector, inputs, { ...options, decode })).pipe(Effect.flip)
      assert.strictEqual(error, bad)
    }),
  )
})
