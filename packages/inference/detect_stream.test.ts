import { assert, beforeAll, describe, it } from "@effect/vitest"
import { BadImage, type DecodedImage, makeBadImageLog } from "@sniper/coco-io"
import { type Detector, disposeDetector } from "@sniper/detector-model"
import { Effect, Stream } from "effect"
import type { ImageFault } from "./faulty_detector_worker_fixtures.ts"
import { randomImage, readyBackend, tinyDetector } from "./inference_fixtures.ts"
import {
  type DetectedImage,
  detectImage,
  detectStream,
  type InferenceOptions,
  InferenceWorkerFailed,
  type ThreadPool,
} from "./mod.ts"

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

const decodeAt = (i: number) => Effect.succeed(images[i])
const inputs = images.map((_, i) => i)
const imageName = (i: number) => `img${i}.png`
const faultyEntry = new URL("./faulty_detector_worker_fixtures.ts", import.meta.url)

/** Every detection's bytes, image by image. */
function bytes(out: ReadonlyArray<DetectedImage<number>>) {
  return out.map(({ input, index, detections: d }) => ({
    input,
    index,
    count: d.count,
    arrays: [d.boxes, d.scores, d.categories, d.scale].map((a) => Buffer.from(a.buffer).toString("base64")),
  }))
}

/** detectStream over the images on `workers` threads of the faulty entry; `live`: threads running at the end. */
function run(workers: number, data: Record<string, unknown> = { fault: "none" }) {
  let pool: ThreadPool<unknown, unknown, unknown> | undefined
  const stream = detectStream(detector, inputs, {
    ...options,
    decode: decodeAt,
    imageName,
    workers,
    entry: faultyEntry,
    data,
    onPool: (p) => {
      pool = p as ThreadPool<unknown, unknown, unknown>
    },
  })
  return Stream.runCollect(stream).pipe(Effect.map((out) => ({ out, live: () => pool?.live() })))
}

describe("detectStream() on worker threads", () => {
  it.live(
    "2 workers give the detections of 1, bit for bit, in input order although image 0 takes longest",
    () =>
      Effect.gen(function* () {
        const one = yield* run(1)
        // Image 0 waits 400 ms on its worker while the other worker runs images 1..4: arrival order 1, 2, ..., 0.
        const two = yield* run(2, { fault: "none", delays: { "img0.png": 400 } })
        assert.deepStrictEqual(
          two.out.map((d) => d.index),
          inputs,
        )
        assert.deepStrictEqual(bytes(two.out), bytes(one.out))
        // The product's entry (detector_worker.ts) serves the same.
        const plain = yield* Stream.runCollect(
          detectStream(detector, inputs, { ...options, decode: decodeAt, workers: 2 }),
        )
        assert.deepStrictEqual(bytes(plain), bytes(one.out))
        assert.isAbove(
          one.out.reduce((n, d) => n + d.detections.count, 0),
          0,
        )
        assert.deepStrictEqual(
          two.out.map((d) => d.image),
          images,
        )
        assert.strictEqual(two.live(), 0)
      }),
    60_000,
  )

  const faults: ReadonlyArray<{ fault: ImageFault; reason: RegExp }> = [
    { fault: "throw", reason: /^Error: injected failure$/ },
    { fault: "exit", reason: /its thread exited with code 3/ },
  ]
  for (const { fault, reason } of faults)
    it.live(
      `a worker that fails by "${fault}" stops the stream with one line naming the worker and the image, and every thread is gone`,
      () =>
        Effect.gen(function* () {
          let pool: ThreadPool<unknown, unknown, unknown> | undefined
          const error = yield* Stream.runCollect(
            detectStream(detector, inputs, {
              ...options,
              decode: decodeAt,
              imageName,
              workers: 2,
              entry: faultyEntry,
              data: { fault, atImage: "img2.png" },
              onPool: (p) => {
                pool = p as ThreadPool<unknown, unknown, unknown>
              },
            }),
          ).pipe(Effect.flip)
          assert.instanceOf(error, InferenceWorkerFailed)
          assert.strictEqual(error.image, "img2.png")
          assert.match(error.reason, reason)
          assert.match(error.message, /^Cannot run inference: worker [01] failed on image img2\.png: /)
          assert.notInclude(error.message, "\n")
          assert.strictEqual(pool?.live(), 0)
        }),
      60_000,
    )

  it.live(
    "a worker that cannot start fails the stream, naming it, and leaves none",
    () =>
      Effect.gen(function* () {
        const error = yield* run(2, { fault: "start" }).pipe(Effect.flip)
        assert.instanceOf(error, InferenceWorkerFailed)
        assert.isUndefined(error.image)
        assert.match(
          error.message,
          /^Cannot run inference: worker [01] failed while starting: Error: injected start-up failure$/,
        )
      }),
    60_000,
  )
})
