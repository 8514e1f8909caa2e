import { assert, describe, it } from "@effect/vitest"
import { BackendUnavailable, UnknownBackend, WeightsFileError, WeightsMismatch, WeightsWriteError } from "./errors.ts"

describe("tensor-runtime errors", () => {
  it("UnknownBackend names the source, the value and the choices", () => {
    const e = new UnknownBackend({ name: "gpu", source: "SNIPER_BACKEND" })
    assert.strictEqual(e._tag, "UnknownBackend")
    assert.strictEqual(
      e.message,
      'Cannot choose a tensor backend: SNIPER_BACKEND is "gpu"; use one of auto, tensorflow, wasm, cpu',
    )
  })
  it("BackendUnavailable adds the install hint only for the native backend", () => {
    const wasm = new BackendUnavailable({ backend: "wasm", source: "SNIPER_BACKEND", reason: "no SIMD" })
    assert.strictEqual(wasm.message, "Cannot load the wasm tensor backend forced by SNIPER_BACKEND: no SIMD")
    const native = new BackendUnavailable({ backend: "tensorflow", source: "config.backend", reason: "not installed" })
    assert.isTrue(
      native.message.startsWith("Cannot load the tensorflow tensor backend forced by config.backend: not installed; "),
    )
    assert.include(native.message, "@tensorflow/tfjs-node-gpu@4.22.0")
  })
  it("the weights errors name the file and the problem", () => {
    assert.strictEqual(
      new WeightsWriteError({ path: "runs/a/w.safetensors", problem: "disk full" }).message,
      'Cannot write weights to "runs/a/w.safetensors": disk full; check that the folder exists and is writable',
    )
    assert.strictEqual(
      new WeightsFileError({ path: "w.safetensors", problem: "header is 3 bytes long" }).message,
      'Cannot read weights from "w.safetensors": header is 3 bytes long',
    )
  })
  it("WeightsMismatch lists up to 8 problems and counts the rest", () => {
    const few = new WeightsMismatch({ path: "w", problems: ["a missing", "b shape [2] != [3]"] })
    assert.strictEqual(few.message, 'Cannot load weights from "w" into this model: a missing; b shape [2] != [3]')
    const problems = Array.from({ length: 11 }, (_, i) => `p${i}`)
    const many = new WeightsMismatch({ path: "w", problems })
    assert.strictEqual(
      many.message,
      'Cannot load weights from "w" into this model: p0; p1; p2; p3; p4; p5; p6; p7; and 3 more',
    )
  })
})
