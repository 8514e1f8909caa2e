import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import { Schema } from "effect"
import { makeScene, placeObjects, type SceneObject } from "./synth_scene.ts"
import { covers, extremeVertices, shapeArea, shapeBox } from "./synth_shapes.ts"

/** Whether some vertex on each side of object k's box is left uncovered (1.5 px margin) by every later object. */
function sidesVisible(objects: ReadonlyArray<SceneObject>, k: number): boolean {
  const later = objects.slice(k + 1)
  return extremeVertices(objects[k].shape).every((side) =>
    side.some(([x, y]) => later.every((o) => !covers(o.shape, x, y, 1.5))),
  )
}

const seed = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100_000 }))

describe("makeScene()", () => {
  it("is a function of its generator's keys", () => {
    assert.deepStrictEqual(makeScene(new Prng([4, 2])), makeScene(new Prng([4, 2])))
    assert.notDeepEqual(makeScene(new Prng([4, 2])).objects, makeScene(new Prng([4, 3])).objects)
  })
  it.prop(
    "keeps sizes, noise grid and objects within the recipe, every box exact and inside the image",
    { seed },
    ({ seed }) => {
      const scene = makeScene(new Prng([seed]))
      const long = Math.max(scene.width, scene.height)
      const short = Math.min(scene.width, scene.height)
      assert.isTrue(long >= 480 && long <= 1600, `long side ${long}`)
      assert.isTrue(short >= Math.round(long * 0.6) && short <= long, `short side ${short}`)
      const { gridWidth, gridHeight, rgb } = scene.noise
      assert.strictEqual(rgb.length, 3 * gridWidth * gridHeight)
      // cells of 6..48 px plus one column and row cover the image
      assert.isTrue(gridWidth >= Math.ceil(scene.width / 48) + 1 && gridWidth <= Math.ceil(scene.width / 6) + 1)
      assert.isAtMost(scene.objects.length, 16)
      scene.objects.forEach((o, k) => {
        const [x1, y1, x2, y2] = o.box
        assert.deepStrictEqual(o.box, shapeBox(o.shape))
        assert.isTrue(x1 >= 1 && y1 >= 1 && x2 <= scene.width - 1 && y2 <= scene.height - 1, `box ${o.box}`)
        assert.strictEqual(o.area, shapeArea(o.shape))
        assert.isAtMost(o.area, (x2 - x1) * (y2 - y1))
        assert.isTrue(sidesVisible(scene.objects, k), `object ${k} has a box side hidden`)
      })
      // larger objects are drawn first
      const sides = scene.objects.map((o) => Math.max(o.box[2] - o.box[0], o.box[3] - o.box[1]))
      assert.isAtLeast(sides[0] ?? 0, sides.at(-1) ?? 0)
    },
    { arbitrary: { runs: 8 } },
  )
})

describe("placeObjects()", () => {
  it("shrinks an object too large for the image until it fits", () => {
    const [object] = placeObjects(new Prng([1]), [100, 80], [500])
    const [x1, y1, x2, y2] = object.box
    assert.isTrue(x1 >= 1 && y1 >= 1 && x2 <= 99 && y2 <= 79, `box ${object.box}`)
  })
  it("leaves out what cannot go anywhere without hiding a box side of what is already there", () => {
    // a 60 x 60 image fits one large object; nine more of the same size have nowhere to go
    const objects = placeObjects(new Prng([3]), [60, 60], new Array(10).fill(50))
    assert.isAtLeast(objects.length, 1)
    assert.isBelow(objects.length, 10)
    objects.forEach((_, k) => {
      assert.isTrue(sidesVisible(objects, k))
    })
  })
  it.prop(
    "keeps every earlier object's box sides visible, whatever the sizes",
    { seed, count: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 12 })) },
    ({ seed, count }) => {
      const prng = new Prng([seed])
      const sizes = Array.from({ length: count }, () => prng.uniform(8, 200)).sort((a, b) => b - a)
      const objects = placeObjects(prng, [320, 240], sizes)
      objects.forEach((_, k) => {
        assert.isTrue(sidesVisible(objects, k), `object ${k}`)
      })
    },
    { arbitrary: { runs: 20 } },
  )
})
