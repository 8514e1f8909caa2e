import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { covers, extremeVertices, makeShape, shapeArea, shapeBox, shapePath, synthCategories } from "./synth_shapes.ts"

const category = (name: (typeof synthCategories)[number]) => synthCategories.indexOf(name)
const upright = { rotation: 0, aspect: 1 }

describe("makeShape()", () => {
  it("makes an upright square of box side size / sqrt(2), squashed by the aspect (hand-worked)", () => {
    // half side 10 / sqrt(2) = 7.0711: corners at 50 -/+ 7.07 after rounding to 1/100 px
    const square = makeShape(category("square"), [50, 50], { size: 20, ...upright })
    assert.deepStrictEqual(shapeBox(square), [42.93, 42.93, 57.07, 57.07])
    assert.closeTo(shapeArea(square), 14.14 * 14.14, 1e-9)
    // aspect 0.5 halves the height: 50 -/+ 3.5355
    const flat = makeShape(category("square"), [50, 50], { size: 20, rotation: 0, aspect: 0.5 })
    assert.deepStrictEqual(shapeBox(flat), [42.93, 46.46, 57.07, 53.54])
  })
  it("makes a triangle with a vertex on +x and a cross of arms 0.64 r wide (hand-worked)", () => {
    // vertices (10, 0), (-5, 8.66), (-5, -8.66): area 17.32 x 15 / 2
    const triangle = makeShape(category("triangle"), [0, 0], { size: 20, ...upright })
    assert.deepStrictEqual([...triangle.outer], [10, 0, -5, 8.66, -5, -8.66])
    assert.closeTo(shapeArea(triangle), (17.32 * 15) / 2, 1e-9)
    assert.strictEqual(shapePath(triangle), "M10 0L-5 8.66L-5 -8.66Z")
    // a plus sign: two 20 x 6.4 bars, their 6.4 x 6.4 overlap counted once
    const cross = makeShape(category("cross"), [0, 0], { size: 20, ...upright })
    assert.strictEqual(cross.outer.length, 24)
    assert.deepStrictEqual(shapeBox(cross), [-10, -10, 10, 10])
    assert.closeTo(shapeArea(cross), 2 * 20 * 6.4 - 6.4 * 6.4, 1e-9)
  })
  it("makes a ring with a hole of 0.55 r and 16 vertices a circle at radius 30", () => {
    // regular 16-gon area: 8 r^2 sin(pi / 8), outer r = 30 minus inner r = 16.5
    const ring = makeShape(category("ring"), [0, 0], { size: 60, ...upright })
    assert.strictEqual(ring.outer.length, 32)
    assert.strictEqual(ring.hole?.length, 32)
    assert.closeTo(shapeArea(ring), 8 * Math.sin(Math.PI / 8) * (30 * 30 - 16.5 * 16.5), 0.5)
    assert.isFalse(covers(ring, 0, 0))
    assert.isTrue(covers(ring, 23, 0))
    assert.strictEqual(shapePath(ring).split("Z").length, 3)
  })
  it("makes a 10-point star and a disc squashed by its aspect", () => {
    const star = makeShape(category("star"), [0, 0], { size: 20, ...upright })
    assert.strictEqual(star.outer.length, 20)
    assert.deepStrictEqual([star.outer[0], star.outer[1]], [10, 0])
    assert.closeTo(Math.hypot(star.outer[2], star.outer[3]), 4.2, 0.01)
    const disc = makeShape(category("disc"), [0, 0], { size: 300, rotation: 0, aspect: 0.5 })
    const [x1, y1, x2, y2] = shapeBox(disc)
    assert.closeTo((y2 - y1) / (x2 - x1), 0.5, 0.01)
    assert.closeTo(shapeArea(disc), Math.PI * 150 * 75, 0.01 * Math.PI * 150 * 75)
  })
  it("refuses an unknown category", () => {
    assert.throws(() => makeShape(6, [0, 0], { size: 10, ...upright }), RangeError, "current value is 6")
  })
})

describe("covers()", () => {
  const square = makeShape(category("square"), [50, 50], { size: 20, ...upright })
  it("is true inside, false outside, and true within the margin of an edge", () => {
    assert.isTrue(covers(square, 50, 50))
    assert.isFalse(covers(square, 60, 50))
    // 60 is 2.93 px right of the edge at 57.07
    assert.isTrue(covers(square, 60, 50, 3))
    assert.isFalse(covers(square, 60, 50, 2.5))
  })
  it("counts a point within the margin of a ring's hole edge as covered", () => {
    const ring = makeShape(category("ring"), [0, 0], { size: 60, ...upright })
    assert.isFalse(covers(ring, 14, 0, 1))
    assert.isTrue(covers(ring, 16, 0, 1))
  })
})

describe("extremeVertices()", () => {
  it("lists the two corners on each side of an upright square", () => {
    const sides = extremeVertices(makeShape(category("square"), [50, 50], { size: 20, ...upright }))
    assert.deepStrictEqual(
      sides.map((s) => s.length),
      [2, 2, 2, 2],
    )
    assert.isTrue(sides[0].every(([x]) => x === 42.93))
    assert.isTrue(sides[3].every(([, y]) => y === 57.07))
  })
  it.prop(
    "every shape: vertices within about size / 2 of the centre, each box side touched, area inside the box",
    {
      category: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 5 })),
      size: Schema.Finite.check(Schema.isBetween({ minimum: 4, maximum: 400 })),
      rotation: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 6.28 })),
      aspect: Schema.Finite.check(Schema.isBetween({ minimum: 0.55, maximum: 1 })),
    },
    ({ category, size, rotation, aspect }) => {
      const shape = makeShape(category, [100, 200], { size, rotation, aspect })
      for (let i = 0; i < shape.outer.length; i += 2) {
        // the cross's arm corners reach sqrt(1 + 0.32^2) r = 1.05 r; every other vertex lies within r
        assert.isAtMost(Math.hypot(shape.outer[i] - 100, shape.outer[i + 1] - 200), 1.0501 * (size / 2) + 0.01)
      }
      const [x1, y1, x2, y2] = shapeBox(shape)
      for (const side of extremeVertices(shape)) assert.isAtLeast(side.length, 1)
      const area = shapeArea(shape)
      assert.isAbove(area, 0)
      assert.isAtMost(area, (x2 - x1) * (y2 - y1) + 1e-9)
    },
  )
})
