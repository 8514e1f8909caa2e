import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { proposalsFromDetections } from "@sniper/chip-sampler"
import {
  cutChip,
  type Dataset,
  type DecodedImage,
  loadDataset,
  makeBadImageLog,
  readDetections,
  writeSynthDataset,
} from "@sniper/coco-io"
import { detectorFeatures, disposeDetector, gridAnchors, rpnHead, rpnProposals } from "@sniper/detector-model"
import * as tf from "@tensorflow/tfjs"
import { Effect, Stream } from "effect"
import { computeProposals, imageProposals, proposalStream, type RowProposals, writeProposals } from "./mod.ts"
import { readyBackend, tinyDetector } from "./proposals_fixtures.ts"

const scales = [
  { short: -1, long: 160 },
  { short: -1, long: 96 },
  { short: -1, long: 64 },
]
let dataset: Dataset
let imageRoot: string

beforeAll(async () => {
  await readyBackend()
  const dir = mkdtempSync(join(tmpdir(), "rpn-proposals-data-"))
  await Effect.runPromise(writeSynthDataset(dir, { images: 4, seed: 11, valFraction: 0.25 }))
  dataset = await Effect.runPromise(loadDataset(join(dir, "annotations", "instances_train.json")))
  imageRoot = join(dir, "images", "train")
}, 60_000)

describe("computeProposals()", () => {
  it.effect("writes every image's proposals inside the image, at most scales x top k, read back by chip-sampler", () =>
    Effect.gen(function* () {
      const detector = tinyDetector(20)
      const path = join(mkdtempSync(join(tmpdir(), "rpn-proposals-")), "proposals.json")
      const seen: Array<RowProposals> = []
      const before = tf.memory().numTensors
      const counts = yield* computeProposals(detector, dataset, {
        path,
        imageRoot,
        scales,
        onImage: (p) => Effect.sync(() => seen.push(p)),
      })
      assert.strictEqual(tf.memory().numTensors, before)
      disposeDetector(detector)
      const n = dataset.images.count
      assert.isAtLeast(n, 3)
      assert.deepStrictEqual(
        seen.map((p) => [p.row, p.done, p.total]),
        Array.from({ length: n }, (_, i) => [i, i + 1, n]),
      )
      assert.strictEqual(counts.images, n)
      assert.strictEqual(
        counts.proposals,
        seen.reduce((s, p) => s + p.count, 0),
      )
      for (const p of seen) {
        const width = dataset.images.width[p.row]
        const height = dataset.images.height[p.row]
        assert.isAbove(p.count, 20, "more than one scale contributes")
        assert.isAtMost(p.count, 3 * 20)
        for (let i = 0; i < p.count; i++) {
          const [x1, y1, x2, y2] = p.boxes.subarray(4 * i, 4 * i + 4)
          assert.isTrue(
            0 <= x1 && x1 <= x2 && x2 <= width && 0 <= y1 && y1 <= y2 && y2 <= height,
            `${[x1, y1, x2, y2]}`,
          )
          assert.isTrue(p.scores[i] > 0 && p.scores[i] < 1)
          if (i > 0) assert.isAtMost(p.scores[i], p.scores[i - 1])
        }
      }
      // The file: a COCO results array, first category, xywh; chip-sampler groups it by image row.
      const raw = JSON.parse(readFileSync(path, "utf8")) as Array<{ category_id: number; bbox: Array<number> }>
      assert.strictEqual(raw.length, counts.proposals)
      assert.isTrue(raw.every((r) => r.category_id === dataset.categories.id[0]))
      const grouped = proposalsFromDetections(dataset, yield* readDetections(path, dataset), path)
      for (const p of seen) {
        const start = grouped.start[p.row]
        assert.strictEqual(grouped.start[p.row + 1] - start, p.count)
        for (let i = 0; i < p.count; i++) {
          const b = grouped.bbox.subarray(4 * (start + i), 4 * (start + i) + 4)
          const [x1, y1, x2, y2] = p.boxes.subarray(4 * i, 4 * i + 4)
          assert.deepStrictEqual(Array.from(b), [x1, y1, x2 - x1, y2 - y1])
        }
      }
    }),
  )

  it.effect("keeps at most maxPerImage proposals per image: the best of the uncapped ones", () =>
    Effect.gen(function* () {
      const detector = tinyDetector(20)
      const all = yield* Stream.runCollect(proposalStream(detector, dataset, { imageRoot, scales, rows: [0, 2] }))
      const capped = yield* Stream.runCollect(
        proposalStream(detector, dataset, { imageRoot, scales, rows: [0, 2], maxPerImage: 7 }),
      )
      disposeDetector(detector)
      assert.deepStrictEqual(
        capped.map((p) => p.row),
        [0, 2],
      )
      capped.forEach((p, i) => {
        assert.strictEqual(p.count, 7)
        assert.deepStrictEqual(p.boxes, all[i].boxes.slice(0, 28))
        assert.deepStrictEqual(p.scores, all[i].scores.slice(0, 7))
      })
    }),
  )

  it.live(
    "on 2 worker threads: the proposals of this thread, bit for bit, in row order",
    () =>
      Effect.gen(function* () {
        const detector = tinyDetector(20)
        const rows = [2, 0, 1]
        const one = yield* Stream.runCollect(proposalStream(detector, dataset, { imageRoot, scales, rows }))
        const two = yield* Stream.runCollect(proposalStream(detector, dataset, { imageRoot, scales, rows, workers: 2 }))
        disposeDetector(detector)
        const bytes = (ps: ReadonlyArray<RowProposals>) =>
          ps.map((p) => [p.row, p.done, p.count, Buffer.from(p.boxes.buffer), Buffer.from(p.scores.buffer)])
        assert.deepStrictEqual(
          two.map((p) => p.row),
          rows,
        )
        assert.isAbove(one[0].count, 0)
        assert.deepStrictEqual(bytes(two), bytes(one))
      }),
    60_000,
  )

  it.effect("fails with BadImage naming the file, or skips and records it when given a log", () =>
    Effect.gen(function* () {
      const detector = tinyDetector(5)
      const dir = mkdtempSync(join(tmpdir(), "rpn-bad-"))
      const name = dataset.images.fileName[1]
      writeFileSync(join(dir, name), "not an image")
      const error = yield* Stream.runCollect(
        proposalStream(detector, dataset, { imageRoot: dir, scales, rows: [1] }),
      ).pipe(Effect.flip)
      assert.strictEqual(error._tag, "BadImage")
      assert.include(error.message, name)
      const good = dataset.images.fileName[0]
      writeFileSync(join(dir, good), readFileSync(join(imageRoot, good)))
      const log = yield* makeBadImageLog
      const out = yield* Stream.runCollect(
        proposalStream(detector, dataset, { imageRoot: dir, scales, rows: [0, 1], badImages: log }),
      )
      assert.deepStrictEqual(
        out.map((p) => [p.row, p.done, p.total]),
        [[0, 1, 2]],
      )
      const failures = yield* log.failures
      assert.deepStrictEqual(
        failures.map((f) => f.file),
        [name],
      )
      disposeDetector(detector)
    }),
  )
})

describe("imageProposals()", () => {
  /** A `width` x `height` RGB image of a pattern with no structure the tiny network could care about. */
  function image(width: number, height: number, seed: number): DecodedImage {
    const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 97 + seed * 31) % 251)
    return { imageId: seed, width, height, pixels }
  }

  it.effect("maps an exact 2x scale back by halving the network's boxes (landscape and portrait)", () =>
    Effect.gen(function* () {
      const detector = tinyDetector(40)
      for (const [w, h] of [
        [48, 32],
        [32, 48],
      ]) {
        const img = image(w, h, w)
        const got = yield* imageProposals(detector, img, { scales: [{ short: -1, long: 96 }] })
        // Independently: the 2x image in a 96 px canvas, cut to 2w x 2h, through backbone, RPN and proposal layer.
        const canvas = yield* cutChip(img, { x1: 0, y1: 0, x2: w, y2: h, scale: 2 }, { size: 96 })
        const direct = tf.tidy(() => {
          const input = tf.slice(tf.tensor4d(canvas, [1, 96, 96, 3]), [0, 0, 0, 0], [1, 2 * h, 2 * w, 3])
          const features = detectorFeatures(detector, input as tf.Tensor4D, false)
          const head = rpnHead(detector, features)
          const [, fh, fw] = features.shape
          const [p] = rpnProposals(gridAnchors(fh, fw, detector.config.anchors), head.logits, head.deltas, {
            imageWidth: 2 * w,
            imageHeight: 2 * h,
            settings: detector.config.rpn.test,
          })
          return {
            boxes: Array.from(p.boxes, (v) => v / 2),
            scores: Array.from(p.scores, (v) => 1 / (1 + Math.exp(-v))),
          }
        })
        assert.isAbove(got.count, 0)
        assert.deepStrictEqual(Array.from(got.boxes), direct.boxes)
        assert.deepStrictEqual(Array.from(got.scores), direct.scores)
      }
      disposeDetector(detector)
    }),
  )
})

describe("writeProposals()", () => {
  it.effect("never leaves half a file: a failing stream keeps the previous file and leaves no temporary", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "rpn-atomic-"))
      const path = join(dir, "proposals.json")
      const one = {
        row: 0,
        boxes: Float64Array.from([1, 2, 11, 22]),
        scores: Float64Array.from([0.5]),
        count: 1,
      }
      const written = yield* writeProposals(path, dataset, Stream.make(one))
      assert.deepStrictEqual(written, { images: 1, proposals: 1 })
      const good = readFileSync(path, "utf8")
      const failing = Stream.concat(Stream.make(one, one), Stream.fail("disk on fire"))
      const error = yield* writeProposals(path, dataset, failing).pipe(Effect.flip)
      assert.strictEqual(error, "disk on fire")
      assert.strictEqual(readFileSync(path, "utf8"), good)
      assert.deepStrictEqual(readdirSync(dir), ["proposals.json"])
      const fresh = join(dir, "never.json")
      yield* writeProposals(fresh, dataset, failing).pipe(Effect.flip)
      assert.isFalse(existsSync(fresh))
    }),
  )
})
