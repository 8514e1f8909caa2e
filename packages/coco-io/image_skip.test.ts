import { rm } from "node:fs/promises"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { afterAll, beforeAll } from "vitest"
import { BadImage } from "./image_error.ts"
import { makeImageFolder } from "./image_fixtures.ts"
import { readChips } from "./image_read_chips.ts"
import { formatBadImages, makeBadImageLog, skipBadImages } from "./image_skip.ts"

let folder: { base: string; root: string }
beforeAll(async () => {
  folder = await makeImageFolder()
})
afterAll(() => rm(folder.base, { recursive: true, force: true }))

const files = ["good.jpg", "half.jpg", "sub/nested.png", "../../etc/passwd", "bomb.png", "gray.jpg"]
const windows = [
  { x1: 0, y1: 0, x2: 16, y2: 8, scale: 0.5 },
  { x1: 4, y1: 2, x2: 8, y2: 6, scale: 3, flip: true },
]

describe("skipBadImages()", () => {
  it.effect("drops bad images, keeps going, and reports them at the end", () =>
    Effect.gen(function* () {
      const log = yield* makeBadImageLog
      const chips = yield* Stream.fromIterable(files.map((fileName, i) => ({ imageId: i + 1, fileName }))).pipe(
        skipBadImages(log, (image) =>
          Effect.map(readChips(folder.root, image, { windows, size: 16 }), (c) => ({ id: image.imageId, c })),
        ),
        Stream.runCollect,
      )
      assert.deepStrictEqual(
        chips.map((c) => c.id),
        [1, 3, 6],
      )
      for (const { c } of chips)
        assert.deepStrictEqual([c.length, c[0].length, c[1].length], [2, 16 * 16 * 3, 16 * 16 * 3])
      const failures = yield* log.failures
      assert.deepStrictEqual(
        failures.map((e) => [e.imageId, e.reason]),
        [
          [2, "corrupt"],
          [4, "outside-root"],
          [5, "too-large"],
        ],
      )
      const report = formatBadImages(failures)
      assert.strictEqual(report.split("\n").length, 4)
      assert.include(report, "3 image(s) skipped")
      assert.strictEqual(formatBadImages([]), "")
    }),
  )
  it.effect("lets other failures end the stream", () =>
    Effect.gen(function* () {
      const log = yield* makeBadImageLog
      const error = yield* Stream.make(1, 2).pipe(
        skipBadImages(log, (n) => (n === 2 ? Effect.fail("boom" as const) : Effect.succeed(n))),
        Stream.runCollect,
        Effect.flip,
      )
      assert.strictEqual(error, "boom")
    }),
  )
  it.live("keeps the input order of the good images when several run at once", () =>
    Effect.gen(function* () {
      const log = yield* makeBadImageLog
      const bad = (imageId: number) => new BadImage({ imageId, file: `${imageId}.jpg`, reason: "corrupt", detail: "x" })
      const kept = yield* Stream.make(1, 2, 3, 4, 5, 6).pipe(
        skipBadImages(
          log,
          // later elements finish first; odd ones fail
          (n) =>
            Effect.sleep(`${(7 - n) * 5} millis`).pipe(
              Effect.andThen(n % 2 === 1 ? Effect.fail(bad(n)) : Effect.succeed(10 * n)),
            ),
          { concurrency: 3 },
        ),
        Stream.runCollect,
      )
      assert.deepStrictEqual([...kept], [20, 40, 60])
      const failed = yield* log.failures
      assert.deepStrictEqual(failed.map((e) => e.imageId).sort(), [1, 3, 5])
    }),
  )
})

describe("formatBadImages()", () => {
  it("prints one line per image, then the count; nothing when none was skipped", () => {
    assert.strictEqual(formatBadImages([]), "")
    const a = new BadImage({ imageId: 1, file: "a.jpg", reason: "missing", detail: "a.jpg does not exist" })
    const b = new BadImage({ imageId: 2, file: "b.jpg", reason: "too-large", detail: "1e9 px" })
    assert.strictEqual(formatBadImages([a, b]), `${a.message}\n${b.message}\n2 image(s) skipped`)
  })
})
