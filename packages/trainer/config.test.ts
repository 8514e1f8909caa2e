import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Schema } from "effect"
import { overlayConfig } from "./config_overlay.ts"
import { decodeTrainConfig, demoConfig, sniperCocoR50 } from "./mod.ts"

/** The decoding failure's message, or "ok". */
const problem = (input: unknown) =>
  decodeTrainConfig(input).pipe(
    Effect.map(() => "ok"),
    Effect.catch((e) => Effect.succeed(e.message)),
  )

describe("decodeTrainConfig()", () => {
  it.effect("accepts both presets", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* problem(demoConfig), "ok")
      assert.strictEqual(yield* problem(sniperCocoR50), "ok")
    }),
  )

  it.effect("refuses an unknown field, naming its path and the nearest known name", () =>
    Effect.gen(function* () {
      assert.strictEqual(
        yield* problem({ ...demoConfig, negative: { rpnEpochs: 1 } }),
        'Cannot train: negative is not a configuration field; did you mean "negatives"?',
      )
      const backbone = { ...demoConfig.detector.backbone, dept: 50 }
      assert.strictEqual(
        yield* problem({ ...demoConfig, detector: { ...demoConfig.detector, backbone } }),
        'Cannot train: detector.backbone.dept is not a configuration field; did you mean "depth"?',
      )
      // A scale is a union of two objects: the typo is reported once, against the names of both.
      const scales = [{ factor: 2 }, { factr: 1 }]
      assert.strictEqual(
        yield* problem({ ...demoConfig, chips: { ...demoConfig.chips, scales } }),
        'Cannot train: chips.scales[1].factr is not a configuration field; did you mean "factor"?',
      )
      assert.strictEqual(
        yield* problem({ ...demoConfig, test: { ...demoConfig.test, zzz: 1 } }),
        "Cannot train: test.zzz is not a configuration field; the fields here are scales, validRanges, merge, maxPerImage, scoreThreshold, maxImages, everyEpochs",
      )
    }),
  )

  it.effect("refuses a synthetic data set that cannot be made", () =>
    Effect.gen(function* () {
      const synthetic = (s: object) =>
        problem({ ...demoConfig, data: { synthetic: { ...demoConfig.data.synthetic, ...s } } })
      assert.match(yield* synthetic({ valFraction: 1 }), /less than 1.*"valFraction"/)
      assert.match(yield* synthetic({ images: 99_999_999_999 }), /less than or equal to 1000000.*"images"/)
      assert.match(yield* synthetic({ longSide: [300, 200] }), /the minimum 300 is above the maximum 200.*"longSide"/)
      assert.match(yield* synthetic({ longSide: [32, 200] }), /greater than or equal to 64.*"longSide"/)
      assert.match(yield* synthetic({ longSide: [300] }), /"longSide"/)
    }),
  )

  it.effect("refuses a config without test scales", () =>
    Effect.gen(function* () {
      const message = yield* problem({ ...demoConfig, test: { ...demoConfig.test, scales: [], validRanges: [] } })
      assert.match(message, /^Cannot train: config .*length of at least 1.*"test"\]\["scales"\]/)
    }),
  )
})

// Null-free JSON objects two levels deep, keys from a small alphabet so that base and overlay share some.
const Key = Schema.Literals(["a", "b", "c", "d"])
const Leaf = Schema.Union([Schema.Finite, Schema.String, Schema.Array(Schema.Finite)])
const json = Arbitrary.schema(Schema.Record(Key, Schema.Union([Leaf, Schema.Record(Key, Leaf)])))

describe("overlayConfig()", () => {
  it("merges objects, replaces arrays and scalars, and removes a key given null", () => {
    const base = { a: 1, b: { c: [1, 2], d: "x", e: { f: true } }, g: 3 }
    const overlay = { b: { c: [9], e: { h: 0 } }, g: null, i: { j: 1 } }
    assert.deepStrictEqual(overlayConfig(base, overlay), {
      a: 1,
      b: { c: [9], d: "x", e: { f: true, h: 0 } },
      i: { j: 1 },
    })
    assert.deepStrictEqual(base, { a: 1, b: { c: [1, 2], d: "x", e: { f: true } }, g: 3 }, "base is not modified")
  })

  it("keeps a __proto__ key as a key", () => {
    const out = overlayConfig({ a: 1 }, JSON.parse('{"__proto__": {"polluted": 1}}')) as Record<string, unknown>
    assert.deepStrictEqual(Object.keys(out), ["a", "__proto__"])
    assert.strictEqual(Object.getPrototypeOf(out), Object.prototype)
  })

  it.prop("keeps what the overlay lacks and takes what it has", [json, json], ([base, overlay]) => {
    assert.deepStrictEqual(overlayConfig(base, {}), base)
    assert.deepStrictEqual(overlayConfig(overlay, overlay), overlay)
    const out = overlayConfig(base, overlay) as Record<string, unknown>
    for (const [key, value] of Object.entries(base)) if (!(key in overlay)) assert.deepStrictEqual(out[key], value)
    for (const [key, value] of Object.entries(overlay)) {
      const under = (base as Record<string, unknown>)[key]
      const merged =
        typeof value === "object" && !Array.isArray(value) && typeof under === "object" && !Array.isArray(under)
      assert.deepStrictEqual(out[key], merged ? { ...under, ...value } : value)
    }
  })
})
