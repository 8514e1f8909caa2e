import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import { Effect } from "effect"
import sharp from "sharp"
import { synthScene } from "./synth_dataset.ts"
import { renderScene, sceneSvg, washedNoise } from "./synth_render.ts"
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

/** A 100 x 50 scene with a 2 x 1 noise grid and nothing else. */
function bare(wash: Scene["wash"], rgb: ReadonlyArray<number>): Scene {
  return {
    width: 100,
    height: 50,
    format: "png",
    noise: { gridWidth: 2, gridHeight: 1, rgb: Uint8Array.from(rgb) },
    wash,
    clutter: [],
    objects: [],
  }
}

describe("washedNoise()", () => {
  it("blends 65% noise with 35% wash at each cell's centre (hand-worked)", () => {
    // solid wash (100, 0, 200): black cell -> 0.35 x wash; white cell -> 165.75 + 0.35 x wash, rounded
    assert.deepStrictEqual(
      [...washedNoise(bare({ kind: "solid", color: [100, 0, 200] }, [0, 0, 0, 255, 255, 255]))],
      [35, 0, 70, 201, 166, 236],
    )
    // a horizontal ramp 0 -> 200 over 100 px, read at x = 25 and 75: 50 and 150, times 0.35 = 17.5 and 52.5
    const ramp = {
      kind: "linear",
      colors: [
        [0, 0, 0],
        [200, 200, 200],
      ],
      angle: 0,
    } as const
    assert.deepStrictEqual([...washedNoise(bare(ramp, [0, 0, 0, 0, 0, 0]))], [18, 18, 18, 53, 53, 53])
  })
})

describe("sceneSvg()", () => {
  it("paints solid fills by colour and the others through gradients, with even-odd objects", () => {
    const shape = { category: 2, outer: Float64Array.from([10, 0, 20, 20, 0, 20]) }
    const object = (fill: Scene["objects"][number]["fill"]) => ({
      shape,
      fill,
      box: [0, 0, 20, 20] as const,
      area: 200,
    })
    const blackWhite = [
      [0, 0, 0],
      [255, 255, 255],
    ] as const
    const scene: Scene = {
      ...bare({ kind: "solid", color: [0, 0, 0] }, [0, 0, 0, 0, 0, 0]),
      clutter: [{ kind: "stroke", path: "M0 0L5 5", color: [255, 0, 16], width: 2.5, opacity: 0.5 }],
      objects: [
        object({ kind: "solid", color: [255, 128, 0] }),
        object({
          kind: "rings",
          colors: blackWhite,
          period: 4,
        }),
        object({
          kind: "stripes",
          colors: blackWhite,
          angle: 0,
          period: 6,
        }),
      ],
    }
    const svg = sceneSvg(scene)
    assert.isTrue(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">'))
    assert.include(svg, '<path d="M0 0L5 5" fill="none" stroke="#ff0010" stroke-width="2.5" stroke-opacity="0.5"/>')
    assert.include(svg, '<path d="M10 0L20 20L0 20Z" fill="#ff8000" fill-rule="evenodd"/>')
    // rings: a repeating radial gradient of radius = period around the box centre (10, 10)
    assert.include(
      svg,
      '<radialGradient id="g0" gradientUnits="userSpaceOnUse" cx="10" cy="10" r="4" spreadMethod="repeat">',
    )
    // stripes: a repeating linear gradient over one period, centred on the box
    assert.include(
      svg,
      '<linearGradient id="g1" gradientUnits="userSpaceOnUse" x1="7" y1="10" x2="13" y2="10" spreadMethod="repeat">',
    )
    assert.include(svg, 'fill="url(#g1)"')
    assert.notInclude(svg, "<image")
  })
})

describe("renderScene() formats", () => {
  it.effect("writes PNG or JPEG as the scene says, at its size", () =>
    Effect.gen(function* () {
      const png = yield* renderScene(bare({ kind: "solid", color: [10, 20, 30] }, [0, 0, 0, 255, 255, 255]))
      const jpg = yield* renderScene({
        ...bare({ kind: "solid", color: [10, 20, 30] }, [0, 0, 0, 0, 0, 0]),
        format: "jpg",
      })
      assert.deepStrictEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47])
      assert.deepStrictEqual([...jpg.subarray(0, 2)], [0xff, 0xd8])
      const { info } = yield* decode(png)
      assert.deepStrictEqual([info.width, info.height, info.channels], [100, 50, 3])
    }),
  )
})
