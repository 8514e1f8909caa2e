/** Small image files for the image tests, made with sharp in a fresh temporary folder (never product code). */
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { crc32 } from "node:zlib"
import sharp from "sharp"

/** width x height RGB bytes with pixel (x, y) = f(x, y). */
export function rgbImage(
  width: number,
  height: number,
  f: (x: number, y: number) => readonly [number, number, number],
) {
  const pixels = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.set(f(x, y), (y * width + x) * 3)
  }
  return pixels
}

/** A valid PNG whose IHDR claims width x height (a decompression bomb's header), CRC fixed up. */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp(
      rgbImage(1, 1, () => [0, 0, 0]),
      { raw: { width: 1, height: 1, channels: 3 } },
    )
      .png()
      .toBuffer(),
  )
  // Signature (8), IHDR length (4), "IHDR" (4) at 12, data (13) at 16, CRC at 29.
  png.writeUInt32BE(width, 16)
  png.writeUInt32BE(height, 20)
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29)
  return png
}

/** A folder `root` with images of every kind the loader must handle, and a secret file outside it. */
export async function makeImageFolder() {
  const base = await mkdtemp(join(tmpdir(), "coco-io-images-"))
  const root = join(base, "images")
  await mkdir(join(root, "sub"), { recursive: true })
  const secret = join(base, "secret.jpg")
  const halves = rgbImage(16, 8, (x) => (x < 8 ? [255, 0, 0] : [0, 0, 255]))
  const raw = { raw: { width: 16, height: 8, channels: 3 as const } }
  const good = await sharp(halves, raw).jpeg({ quality: 95 }).toBuffer()
  await writeFile(join(root, "good.jpg"), good)
  await writeFile(secret, good)
  await writeFile(join(root, "sub", "nested.png"), await sharp(halves, raw).png().toBuffer())
  const big = await sharp(
    rgbImage(64, 48, (x, y) => [x * 4, y * 5, 100]),
    { raw: { width: 64, height: 48, channels: 3 } },
  )
    .jpeg({ quality: 90 })
    .toBuffer()
  await writeFile(join(root, "half.jpg"), big.subarray(0, big.length >> 1))
  await writeFile(join(root, "notes.jpg"), "this is a text file, not a JPEG\n")
  await writeFile(join(root, "empty.jpg"), "")
  await writeFile(join(root, "bomb.png"), await pngClaiming(100_000, 100_000))
  const gray = new Uint8Array(16 * 8).map((_, i) => (i % 16 < 8 ? 200 : 50))
  const grayJpeg = await sharp(gray, { raw: { width: 16, height: 8, channels: 1 } })
    .toColourspace("b-w")
    .jpeg({ quality: 95 })
    .toBuffer()
  await writeFile(join(root, "gray.jpg"), grayJpeg)
  await writeFile(
    join(root, "cmyk.jpg"),
    await sharp(halves, raw).toColourspace("cmyk").jpeg({ quality: 95 }).toBuffer(),
  )
  const rgba = await sharp(halves, raw).ensureAlpha(0.25).png().toBuffer()
  await writeFile(join(root, "rgba.png"), rgba)
  // Stored 16x8; orientation 6 says "display rotated 90 degrees clockwise" (8x16).
  await writeFile(
    join(root, "exif6.jpg"),
    await sharp(halves, raw).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer(),
  )
  await symlink(secret, join(root, "link_out.jpg"))
  await symlink(base, join(root, "dir_out"))
  await symlink(join(root, "good.jpg"), join(root, "link_in.jpg"))
  return { base, root }
}
