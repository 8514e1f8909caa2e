import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { configDifferences, describeDifference } from "./config_differences.ts"

describe("configDifferences()", () => {
  it("names each differing leaf by its field path", () => {
    const saved = {
      seed: 1,
      optimizer: { kind: "adam", learningRate: 0.001 },
      chips: { scales: [{ factor: 2 }, { factor: 1 }] },
    }
    const current = {
      seed: 99,
      optimizer: { kind: "adam", learningRate: 0.01 },
      chips: { scales: [{ factor: 2 }, { factor: 3 }] },
    }
    assert.deepStrictEqual(configDifferences(saved, current), [
      { field: "seed", saved: 1, current: 99 },
      { field: "optimizer.learningRate", saved: 0.001, current: 0.01 },
      { field: "chips.scales[1].factor", saved: 1, current: 3 },
    ])
  })

  it("reports fields only one side has, and arrays of another length as a whole", () => {
    assert.deepStrictEqual(configDifferences({ a: 1, b: [1, 2] }, { b: [1, 2, 3], c: true }), [
      { field: "a", saved: 1, current: undefined },
      { field: "b", saved: [1, 2], current: [1, 2, 3] },
      { field: "c", saved: undefined, current: true },
    ])
    assert.deepStrictEqual(configDifferences({ a: { x: 1 } }, { a: [1] }), [
      { field: "a", saved: { x: 1 }, current: [1] },
    ])
    assert.deepStrictEqual(configDifferences(1, 2), [{ field: "", saved: 1, current: 2 }])
  })

  it.prop("is empty exactly when both encode to the same JSON", [Schema.Json, Schema.Json], ([a, b]) => {
    assert.strictEqual(configDifferences(a, a).length, 0)
    // JSON.stringify sees key order; compare structurally through a key-sorted encoding instead
    const canonical = (v: unknown): string =>
      Array.isArray(v)
        ? `[${v.map(canonical).join(",")}]`
        : v !== null && typeof v === "object"
          ? `{${Object.keys(v)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
              .join(",")}}`
          : JSON.stringify(v)
    assert.strictEqual(configDifferences(a, b).length === 0, canonical(a) === canonical(b))
  })

  it("describes a difference for messages", () => {
    assert.strictEqual(
      describeDifference({ field: "seed", saved: 1, current: 99 }, "config.json"),
      "seed is 99 here but 1 in config.json",
    )
    assert.strictEqual(
      describeDifference({ field: "negatives", saved: undefined, current: { rpnEpochs: 2 } }, "config.json"),
      'negatives is {"rpnEpochs":2} here but absent in config.json',
    )
  })
})
