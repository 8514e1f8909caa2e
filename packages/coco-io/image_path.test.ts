import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { afterAll, beforeAll } from "vitest"
import type { BadImage } from "./image_error.ts"
import { resolveImagePath } from "./image_path.ts"

let base: string
let root: string
beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "coco-io-paths-")))
  root = join(base, "images")
  await mkdir(join(root, "a", "b"), { recursive: true })
  await writeFile(join(root, "a", "b", "x.jpg"), "x")
  await writeFile(join(base, "outside.jpg"), "o")
  await symlink(join(root, "a"), join(root, "alias"))
  await symlink(join(base, "outside.jpg"), join(root, "escape.jpg"))
  await symlink(join(root, "loop1"), join(root, "loop2"))
  await symlink(join(root, "loop2"), join(root, "loop1"))
})
afterAll(() => rm(base, { recursive: true, force: true }))

const refusal = (fileName: string, folder = root) =>
  Effect.flip(resolveImagePath(folder, { imageId: 9, fileName })) as Effect.Effect<BadImage>

describe("resolveImagePath()", () => {
  it.effect("returns the real path of a file inside the root, through inner symlinks and dots", () =>
    Effect.gen(function* () {
      const expected = join(root, "a", "b", "x.jpg")
      assert.strictEqual(yield* resolveImagePath(root, { imageId: 1, fileName: "a/b/x.jpg" }), expected)
      assert.strictEqual(yield* resolveImagePath(root, { imageId: 1, fileName: "./alias/b/../b/x.jpg" }), expected)
    }),
  )
  it.effect("refuses names that could leave the folder before touching the disk, saying why", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["", "file_name is empty"],
        ["a\0.jpg", "file_name contains a NUL byte"],
        ["/etc/passwd", "file_name is an absolute path"],
        ["D:x.jpg", "file_name is an absolute path"],
        ["\\\\server\\x.jpg", "file_name is an absolute path"],
        ["../outside.jpg", 'file_name climbs out of the image folder with ".."'],
        ["a/../../outside.jpg", 'file_name climbs out of the image folder with ".."'],
      ]
      for (const [name, detail] of cases) {
        const error = yield* refusal(name)
        assert.deepStrictEqual(
          [error.reason, error.detail, error.imageId, error.file],
          ["outside-root", detail, 9, name],
        )
      }
    }),
  )
  it.effect("refuses a symlink that resolves outside the root, naming its target", () =>
    Effect.gen(function* () {
      const error = yield* refusal("escape.jpg")
      assert.strictEqual(error.reason, "outside-root")
      assert.strictEqual(error.detail, `a symlink leads out of the image folder to ${join(base, "outside.jpg")}`)
    }),
  )
  it.effect("reports a missing file, a symlink loop and a missing folder as missing", () =>
    Effect.gen(function* () {
      const missing = yield* refusal("a/none.jpg")
      assert.deepStrictEqual(
        [missing.reason, missing.detail],
        ["missing", `${join(root, "a/none.jpg")} does not exist`],
      )
      const loop = yield* refusal("loop1")
      assert.deepStrictEqual([loop.reason, loop.detail], ["missing", `${join(root, "loop1")} is a symlink loop`])
      const noFolder = yield* refusal("x.jpg", join(base, "nowhere"))
      assert.deepStrictEqual(
        [noFolder.reason, noFolder.detail],
        ["missing", `image folder "${join(base, "nowhere")}" does not exist`],
      )
    }),
  )
})
