import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { loadDataset } from "@sniper/coco-io"
import { Effect } from "effect"
import { type DataFingerprint, fingerprintChanges, sha256File, splitFingerprint } from "./data_fingerprint.ts"

const folder = () => mkdtempSync(join(tmpdir(), "trainer-fingerprint-"))

describe("sha256File() and splitFingerprint()", () => {
  it.effect("hashes a file's bytes (FIPS 180-2's 'abc' example) and counts a split's images", () =>
    Effect.gen(function* () {
      const dir = folder()
      const abc = join(dir, "abc.txt")
      writeFileSync(abc, "abc")
      assert.strictEqual(yield* sha256File(abc), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
      const path = join(dir, "instances.json")
      writeFileSync(
        path,
        JSON.stringify({
          images: [
            { id: 1, width: 10, height: 10, file_name: "a.png" },
            { id: 2, width: 10, height: 10, file_name: "b.png" },
          ],
          annotations: [],
          categories: [{ id: 1, name: "x" }],
        }),
      )
      const print = yield* splitFingerprint(yield* loadDataset(path))
      assert.strictEqual(print.annotations, path)
      assert.strictEqual(print.images, 2)
      assert.strictEqual(print.sha256, yield* sha256File(path))
      const missing = yield* sha256File(join(dir, "nope.json")).pipe(Effect.flip)
      assert.strictEqual(missing._tag, "RunFileError")
      assert.include(missing.message, "nope.json")
    }),
  )
})

describe("fingerprintChanges()", () => {
  const split = (sha256: string, images: number) => ({ annotations: "/d/train.json", sha256, images })
  const a: DataFingerprint = { train: split("aa".repeat(32), 6), val: split("cc".repeat(32), 2) }

  it("is empty for the same data, and names the split, its file and both counts when it changed", () => {
    assert.deepStrictEqual(fingerprintChanges(a, { ...a }), [])
    const shrunk = { ...a, train: split("bb".repeat(32), 2) }
    const [change, ...rest] = fingerprintChanges(a, shrunk)
    assert.deepStrictEqual(rest, [])
    assert.include(change, 'the train annotations "/d/train.json" changed since the run started')
    assert.include(change, `6 images, sha256 ${"a".repeat(12)}… then; 2 images, sha256 ${"b".repeat(12)}… now`)
    // same bytes, other count cannot happen from one file, but a count alone is still a change
    assert.strictEqual(fingerprintChanges(a, { ...a, val: split("cc".repeat(32), 3) }).length, 1)
  })

  it("notices a split that appeared or went away", () => {
    assert.match(
      fingerprintChanges(a, { train: a.train })[0],
      /^the val split was "\/d\/train.json" then, is absent now$/,
    )
    assert.match(fingerprintChanges({ train: a.train }, a)[0], /^the val split was absent then/)
  })
})
