import { rm } from "node:fs/promises"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll } from "vitest"
import { decodeImage } from "./image_decode.ts"
import type { BadImage } from "./image_error.ts"
import { makeImageFolder } from "./image_fixtures.ts"

let folder: { base: string; root: string }
beforeAll(async () => {
  folder = await makeImageFolder()
})
afterAll(() => rm(folder.base, { recursive: true, force: true }))

function refusal(fileName: string, options: { maxPixels?: number; width?: number; height?: number } = {}) {
  return Effect.flip(
    decodeImage(folder.root, { imageId: 77, fileName, ...options }, options),
  ) as Effect.Effect<BadImage>
}

/** RGB of pixel (x, y). */
function at(image: { width: number; pixels: Uint8Array }, x: number, y: number) {
  const i = (y * image.width + x) * 3
  return [image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]]
}

function near(actual: number[], expected: number[], tolerance: number) {
  for (let c = 0; c < 3; c++) assert.isAtMost(Math.abs(actual[c] - expected[c]), tolerance, `${actual} vs ${expected}`)
}

describe("decodeImage()", () => {
  it.effect("decodes a JPEG to 8-bit RGB HWC in the stored grid", () =>
    Effect.gen(function* () {
      const image = yield* decodeImage(folder.root, { imageId: 1, fileName: "good.jpg", width: 16, height: 8 })
      assert.deepStrictEqual([image.imageId, image.width, image.height, image.pixels.length], [1, 16, 8, 16 * 8 * 3])
      near(at(image, 2, 4), [255, 0, 0], 12)
      near(at(image, 13, 4), [0, 0, 255], 12)
    }),
  )
  it.effect("reads nested paths and symlinks that stay inside the root", () =>
    Effect.gen(function* () {
      const nested = yield* decodeImage(folder.root, { imageId: 2, fileName: "sub/nested.png" })
      assert.deepStrictEqual(at(nested, 0, 0), [255, 0, 0])
      const linked = yield* decodeImage(folder.root, { imageId: 3, fileName: "./sub/../link_in.jpg" })
      assert.strictEqual(linked.width, 16)
    }),
  )
  it.effect("ignores EXIF orientation: boxes refer to the stored pixel grid", () =>
    Effect.gen(function* () {
      const meta = yield* Effect.promise(() => sharp(join(folder.root, "exif6.jpg")).metadata())
      assert.strictEqual(meta.orientation, 6)
      const image = yield* decodeImage(folder.root, { imageId: 4, fileName: "exif6.jpg", width: 16, height: 8 })
      assert.deepStrictEqual([image.width, image.height], [16, 8])
      near(at(image, 2, 4), [255, 0, 0], 12)
      near(at(image, 13, 4), [0, 0, 255], 12)
    }),
  )
  it.effect("turns grayscale and CMYK JPEGs and RGBA PNGs into 3-channel RGB", () =>
    Effect.gen(function* () {
      const grayMeta = yield* Effect.promise(() => sharp(join(folder.root, "gray.jpg")).metadata())
      assert.strictEqual(grayMeta.channels, 1)
      const gray = yield* decodeImage(folder.root, { imageId: 5, fileName: "gray.jpg" })
      assert.strictEqual(gray.pixels.length, 16 * 8 * 3)
      const [r, g, b] = at(gray, 2, 4)
      assert.isTrue(r === g && g === b, "gray pixels have equal channels")
      near(at(gray, 2, 4), [200, 200, 200], 4)
      near(at(gray, 13, 4), [50, 50, 50], 4)
      const cmykMeta = yield* Effect.promise(() => sharp(join(folder.root, "cmyk.jpg")).metadata())
      assert.deepStrictEqual([cmykMeta.channels, cmykMeta.space], [4, "cmyk"])
      const cmyk = yield* decodeImage(folder.root, { imageId: 6, fileName: "cmyk.jpg" })
      assert.strictEqual(cmyk.pixels.length, 16 * 8 * 3)
      const red = at(cmyk, 2, 4)
      assert.isTrue(red[0] > 150 && red[1] < 90 && red[2] < 90, `CMYK red decodes reddish: ${red}`)
      const blue = at(cmyk, 13, 4)
      assert.isTrue(blue[2] > 100 && blue[0] < 90, `CMYK blue decodes bluish: ${blue}`)
      assert.strictEqual((yield* Effect.promise(() => sharp(join(folder.root, "rgba.png")).metadata())).channels, 4)
      const rgba = yield* decodeImage(folder.root, { imageId: 7, fileName: "rgba.png" })
      assert.strictEqual(rgba.pixels.length, 16 * 8 * 3)
      assert.deepStrictEqual(at(rgba, 2, 4), [255, 0, 0], "alpha is dropped, colour kept")
    }),
  )
  it.effect("refuses a JPEG cut in half as corrupt, naming the image id", () =>
    Effect.gen(function* () {
      const error = yield* refusal("half.jpg")
      assert.strictEqual(error._tag, "BadImage")
      assert.strictEqual(error.reason, "corrupt")
      assert.strictEqual(error.imageId, 77)
      assert.include(error.message, "image 77")
      assert.include(error.message, "half.jpg")
    }),
  )
  it.effect("refuses a text file and an empty file", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* refusal("notes.jpg")).reason, "not-an-image")
      assert.strictEqual((yield* refusal("empty.jpg")).reason, "corrupt")
    }),
  )
  it.effect("refuses a PNG bomb by its declared size, and any image over maxPixels", () =>
    Effect.gen(function* () {
      const bomb = yield* refusal("bomb.png")
      assert.strictEqual(bomb.reason, "too-large")
      assert.include(bomb.message, "image 77")
      assert.strictEqual((yield* refusal("good.jpg", { maxPixels: 100 })).reason, "too-large")
    }),
  )
  it.effect("refuses file names that escape the root", () =>
    Effect.gen(function* () {
      for (const name of ["../../etc/passwd", "/etc/passwd", "sub/../../secret.jpg", "..", "C:\\x.jpg", "a\0b"]) {
        const error = yield* refusal(name)
        assert.strictEqual(error.reason, "outside-root", name)
        assert.include(error.message, "image 77")
      }
      assert.strictEqual((yield* refusal("link_out.jpg")).reason, "outside-root")
      assert.strictEqual((yield* refusal("dir_out/secret.jpg")).reason, "outside-root")
    }),
  )
  it.effect("refuses a missing file and a size that disagrees with the annotations", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* refusal("nowhere.jpg")).reason, "missing")
      assert.strictEqual((yield* refusal("sub")).reason, "unreadable", "a folder is not a file")
      const error = yield* refusal("good.jpg", { width: 8, height: 16 })
      assert.strictEqual(error.reason, "size-mismatch")
      assert.include(error.message, "16x8")
    }),
  )
})
