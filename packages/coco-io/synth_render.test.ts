import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import { Effect } from "effect"
import sharp from "sharp"
import { synthScene } from "./synth_dataset.ts"
import { renderScene } from "./synth_render.ts"
import { placeObjects, type Rgb, type Scene } from "./synth_scene.ts"

/** Object k painted in a colour of its own on black, without clutter, as lossless PNG. */
function labelled(scene: Scene): Scene {
  const colour = (k: number): Rgb => [40 + ((k * 53) % 200), 40 + ((k * 97) % 200), 40 + ((k * 29) % 200)]
  const { gridWidth, gridHeight } = scene.noise
  return {
    ...scene,
    format: "png",
    noise: { gridWidth, gridHeight, rgb: new Uint8Array(gridWidth * gridHeight * 3) },
    wash: { kind: "solid", color: [0, 0, 0] },
    clutter: [],
    objects: scene.objects.map((o, k) => ({ ...o, fill: { kind: "solid", color: colour(k) } })),
  }
}

/** Checks that each object of 24 px or more is painted (fully covered pixels) out to its box; returns the count. */
function checkBoxes(scene: Scene, data: Uint8Array, channels: number, label: string): number {
  let checked = 0
  scene.objects.forEach((o, k) => {
    const [x1, y1, x2, y2] = o.box
    if (Math.min(x2 - x1, y2 - y1) < 24) return
    const color = (o.fill as { color: Rgb }).color
    // Extent of the pixels painted exactly in this object's colour (fully covered, not anti-aliased).
    let [ex1, ey1, ex2, ey2] = [Infinity, Infinity, -Infinity, -Infinity]
    let painted = 0
    for (let y = Math.floor(y1); y < Math.ceil(y2); y++) {
      for (let x = Math.floor(x1); x < Math.ceil(x2); x++) {
        const i = (y * scene.width + x) * channels
        if (data[i] === color[0] && data[i + 1] === color[1] && data[i + 2] === color[2]) {
          painted++
          ex1 = Math.min(ex1, x)
          ey1 = Math.min(ey1, y)
          ex2 = Math.max(ex2, x + 1)
          ey2 = Math.max(ey2, y + 1)
        }
      }
    }
    const where = `${label} object ${k} box ${o.box} painted ${[ex1, ey1, ex2, ey2]}`
    // Painted pixels stay inside the box; sharp tips (star, triangle) leave up to ~3 px only partly covered.
    for (const gap of [ex1 - x1, ey1 - y1, x2 - ex2, y2 - ey2]) {
      assert.isAtLeast(gap, -0.5, where)
      assert.isAtMost(gap, 4, where)
    }
    // At least half of it stays visible; edge pixels are only partly covered, hence 0.4.
    assert.isAtLeast(painted, 0.4 * o.area, `${where}: ${painted} px painted of ${o.area}`)
    checked++
  })
  return checked
}

const decode = (png: Buffer) => Effect.promise(() => sharp(png).raw().toBuffer({ resolveWithObject: true }))

describe("renderScene()", () => {
  it.effect(
    "paints each object of generated scenes out to its box",
    () =>
      Effect.gen(function* () {
        let checked = 0
        for (const index of [0, 1, 2, 5]) {
          const scene = labelled(synthScene(11, index))
          const { data, info } = yield* decode(yield* renderScene(scene))
          assert.deepStrictEqual([info.width, info.height], [scene.width, scene.height])
          checked += checkBoxes(scene, data, info.channels, `scene ${index}`)
        }
        assert.isAtLeast(checked, 8)
      }),
    60_000,
  )
  it.effect(
    "keeps boxes exact in a crowded scene where most placements overlap",
    () =>
      Effect.gen(function* () {
        const prng = new Prng([9])
        const sizes = Array.from({ length: 60 }, () => prng.uniform(60, 220))
        const objects = placeObjects(prng, [400, 400], sizes)
        let overlaps = 0
        for (const a of objects) {
          for (const b of objects) {
            if (a !== b && a.box[0] < b.box[2] && b.box[0] < a.box[2] && a.box[1] < b.box[3] && b.box[1] < a.box[3])
              overlaps++
          }
        }
        assert.isAtLeast(overlaps, 20, "the scene exercises occlusion")
        const base = synthScene(11, 0)
        const scene = labelled({ ...base, width: 400, height: 400, objects })
        const { data, info } = yield* decode(yield* renderScene(scene))
        assert.isAtLeast(checkBoxes(scene, data, info.channels, "crowded"), 10)
      }),
    60_000,
  )
})
