import { createHash } from "node:crypto"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { afterAll } from "vitest"
import { decodeImage } from "./image_decode.ts"
import { imageRefOf } from "./image_ref.ts"
import { loadDataset } from "./load_dataset.ts"
import { type SynthOptions, synthScene, writeSynthDataset } from "./synth_dataset.ts"

const made: Array<string> = []
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))))

const temp = Effect.promise(async () => {
  const dir = await mkdtemp(join(tmpdir(), "coco-io-synth-"))
  made.push(dir)
  return dir
})

/** sha256 of every file under `dir`, by relative path. */
async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    out[path.slice(dir.length + 1)] = createHash("sha256")
      .update(await readFile(path))
      .digest("hex")
  }
  return out
}

describe("writeSynthDataset()", () => {
  it.effect(
    "gives identical bytes for the same seed and different bytes for another",
    () =>
      Effect.gen(function* () {
        const [a, b, c] = [yield* temp, yield* temp, yield* temp]
        const summary = yield* writeSynthDataset(a, { images: 5, seed: 42, valFraction: 0.4 })
        yield* writeSynthDataset(b, { images: 5, seed: 42, valFraction: 0.4 })
        yield* writeSynthDataset(c, { images: 5, seed: 43, valFraction: 0.4 })
        const [ha, hb, hc] = yield* Effect.promise(() => Promise.all([hashes(a), hashes(b), hashes(c)]))
        assert.strictEqual(Object.keys(ha).length, 7, "5 images and 2 json files")
        assert.deepStrictEqual(ha, hb)
        assert.notDeepEqual(ha["annotations/instances_train.json"], hc["annotations/instances_train.json"])
        assert.deepStrictEqual([summary.train.images, summary.val.images], [3, 2])
      }),
    60_000,
  )
  it.effect(
    "writes COCO instances files whose images, boxes and ids agree with the files on disk",
    () =>
      Effect.gen(function* () {
        const out = yield* temp
        let progress = 0
        const summary = yield* writeSynthDataset(out, { images: 6, seed: 7, onProgress: () => progress++ })
        assert.strictEqual(progress, 6)
        const seen = new Set<number>()
        for (const split of ["train", "val"] as const) {
          const text = yield* Effect.promise(() =>
            readFile(join(out, "annotations", `instances_${split}.json`), "utf8"),
          )
          const coco = JSON.parse(text)
          assert.strictEqual(coco.images.length, summary[split].images)
          assert.strictEqual(coco.annotations.length, summary[split].annotations)
          assert.deepStrictEqual(
            coco.categories.map((c: { id: number }) => c.id),
            [1, 2, 3, 4, 5, 6],
          )
          const files = yield* Effect.promise(() => readdir(join(out, "images", split)))
          assert.deepStrictEqual(files.sort(), coco.images.map((i: { file_name: string }) => i.file_name).sort())
          const sizes = new Map<number, [number, number]>(
            coco.images.map((i: { id: number; width: number; height: number }) => [i.id, [i.width, i.height]]),
          )
          for (const a of coco.annotations) {
            assert.isFalse(seen.has(a.id), "annotation ids are unique across splits")
            seen.add(a.id)
            const [w, h] = sizes.get(a.image_id) as [number, number]
            const [x, y, bw, bh] = a.bbox
            assert.isTrue(x >= 0 && y >= 0 && bw > 0 && bh > 0 && x + bw <= w && y + bh <= h, JSON.stringify(a.bbox))
          }
        }
        assert.strictEqual(summary.train.images + summary.val.images, 6)
        assert.strictEqual(summary.val.images, 1, "round(6 * 0.2)")
      }),
    60_000,
  )
  it.effect(
    "loads with loadDataset, and every image decodes at its annotated size",
    () =>
      Effect.gen(function* () {
        const out = yield* temp
        const summary = yield* writeSynthDataset(out, { images: 5, seed: 8, valFraction: 0.4 })
        for (const split of ["train", "val"] as const) {
          const dataset = yield* loadDataset(join(out, "annotations", `instances_${split}.json`))
          assert.strictEqual(dataset.images.count, summary[split].images)
          assert.strictEqual(dataset.annotations.count, summary[split].annotations)
          assert.deepStrictEqual(dataset.categories.name, ["disc", "square", "triangle", "star", "ring", "cross"])
          for (let row = 0; row < dataset.images.count; row++) {
            const image = yield* decodeImage(join(out, "images", split), imageRefOf(dataset, row))
            assert.strictEqual(image.pixels.length, image.width * image.height * 3)
          }
          for (let a = 0; a < dataset.annotations.count; a++) {
            const [w, h] = [dataset.annotations.bbox[4 * a + 2], dataset.annotations.bbox[4 * a + 3]]
            assert.isTrue(w > 0 && h > 0)
            assert.strictEqual(dataset.annotations.iscrowd[a], 0)
          }
        }
      }),
    60_000,
  )
  it.effect(
    "draws the long side from longSide and keeps the boxes inside the images",
    () =>
      Effect.gen(function* () {
        const out = yield* temp
        yield* writeSynthDataset(out, { images: 6, seed: 4, valFraction: 0.5, longSide: [128, 192] })
        for (const split of ["train", "val"] as const) {
          const dataset = yield* loadDataset(join(out, "annotations", `instances_${split}.json`))
          for (let row = 0; row < dataset.images.count; row++) {
            const [w, h] = [dataset.images.width[row], dataset.images.height[row]]
            assert.isTrue(Math.max(w, h) >= 128 && Math.max(w, h) <= 192, `${w}x${h}`)
            const image = yield* decodeImage(join(out, "images", split), imageRefOf(dataset, row))
            assert.deepStrictEqual([image.width, image.height], [w, h])
          }
        }
      }),
    60_000,
  )
  it.effect("refuses bad options with a SynthOptionsError naming the option, writing nothing", () =>
    Effect.gen(function* () {
      const problem = (options: SynthOptions) =>
        writeSynthDataset("/nonexistent", options).pipe(
          Effect.flip,
          Effect.map((e) => (e._tag === "SynthOptionsError" ? e.message : e._tag)),
        )
      assert.strictEqual(
        yield* problem({ images: 0, seed: 1 }),
        "Cannot generate data set: images must be an integer from 1 to 1000000, got 0",
      )
      assert.strictEqual(
        yield* problem({ images: 99_999_999_999, seed: 1 }),
        "Cannot generate data set: images must be an integer from 1 to 1000000, got 99999999999",
      )
      assert.strictEqual(
        yield* problem({ images: 2, seed: 1.5 }),
        "Cannot generate data set: seed must be a safe integer, got 1.5",
      )
      assert.strictEqual(
        yield* problem({ images: 2, seed: 1, valFraction: 1 }),
        "Cannot generate data set: valFraction must be in [0, 1), got 1",
      )
      assert.strictEqual(
        yield* problem({ images: 2, seed: 1, longSide: [200, 100] }),
        "Cannot generate data set: longSide must be two integers min <= max, min at least 64, got [200, 100]",
      )
      assert.include(yield* problem({ images: 2, seed: 1, longSide: [32, 100] }), "got [32, 100]")
    }),
  )
})

describe("synthScene()", () => {
  it("spans tiny to nearly whole-image objects of every class, all inside the image", () => {
    let withLarge = 0
    const categories = new Set<number>()
    for (let i = 0; i < 40; i++) {
      const scene = synthScene(3, i)
      assert.isAtLeast(Math.max(scene.width, scene.height), 480)
      assert.isAtMost(Math.max(scene.width, scene.height), 1600)
      assert.isAtLeast(scene.objects.length, 3)
      const sizes = scene.objects.map(({ box }) => Math.sqrt((box[2] - box[0]) * (box[3] - box[1])))
      assert.isBelow(Math.min(...sizes), 16, `scene ${i} has a tiny object`)
      if (Math.max(...sizes) > 0.45 * Math.min(scene.width, scene.height)) withLarge++
      for (const { box, shape } of scene.objects) {
        categories.add(shape.category)
        assert.isTrue(box[0] >= 0 && box[1] >= 0 && box[2] <= scene.width && box[3] <= scene.height)
      }
    }
    assert.isAtLeast(withLarge, 16, "most scenes have an object over 45% of the short side")
    assert.strictEqual(categories.size, 6)
  })
  it("keeps the embedded data set's scenes: the default options draw exactly what they drew before options existed", () => {
    const digest = createHash("sha256")
    for (let i = 0; i < 20; i++) {
      const scene = synthScene(7, i)
      digest.update(JSON.stringify({ ...scene, noise: { ...scene.noise, rgb: Array.from(scene.noise.rgb) } }))
    }
    assert.strictEqual(digest.digest("hex"), "468e18e2f4402bb8958754db29b7159efc17551a97587029508184e1817312ac")
  })
  it("spans tiny to nearly whole-image objects on small images too (long side 128..192)", () => {
    let tiny = 0
    for (let i = 0; i < 40; i++) {
      const scene = synthScene(3, i, { longSide: [128, 192] })
      const long = Math.max(scene.width, scene.height)
      assert.isTrue(long >= 128 && long <= 192, `scene ${i}: ${scene.width}x${scene.height}`)
      assert.isAtLeast(scene.objects.length, 2)
      for (const { box } of scene.objects) {
        assert.isTrue(box[0] >= 0 && box[1] >= 0 && box[2] <= scene.width && box[3] <= scene.height)
        if (Math.sqrt((box[2] - box[0]) * (box[3] - box[1])) < 16) tiny++
      }
    }
    assert.isAtLeast(tiny, 40, "about one tiny object a scene or more")
  })
  it("is a function of (seed, index) only", () => {
    assert.deepStrictEqual(synthScene(5, 3), synthScene(5, 3))
    assert.notDeepEqual(synthScene(5, 3).objects, synthScene(5, 4).objects)
  })
})
