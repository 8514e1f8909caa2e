import { assert, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { ConfigProvider, Effect, Exit, Layer } from "effect"
import { conv2dBackpropInputWasm } from "./kernels/conv2d_backprop_input.ts"
import { sharedIdentityWasm } from "./kernels/identity.ts"
import { describeRuntime, TensorRuntime } from "./runtime.ts"

const withEnv = (env: Record<string, string>) =>
  TensorRuntime.layer.pipe(Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord(env))))

const nativeInstalled = await import("@tensorflow/tfjs-node" as string).then(
  () => true,
  () => false,
)

describe("TensorRuntime", () => {
  it.effect("SNIPER_BACKEND=wasm loads wasm and registers the training kernels", () =>
    Effect.gen(function* () {
      const info = yield* TensorRuntime.pipe(Effect.provide(withEnv({ SNIPER_BACKEND: "wasm" })))
      assert.strictEqual(info.backend, "wasm")
      assert.strictEqual(tf.getBackend(), "wasm")
      assert.strictEqual(info.version, "4.22.0")
      assert.isAtLeast(info.threads, 1)
      assert.isDefined(tf.getKernel("UnsortedSegmentSum", "wasm"))
      // wasm's own kernels, registered when its module loads (after the first registration), are replaced too.
      assert.strictEqual(tf.getKernel(tf.Conv2DBackpropInput, "wasm")?.kernelFunc, conv2dBackpropInputWasm.kernelFunc)
      assert.strictEqual(tf.getKernel(tf.Identity, "wasm")?.kernelFunc, sharedIdentityWasm.kernelFunc)
      assert.match(describeRuntime(info), /^wasm \(@tensorflow\/tfjs-backend-wasm 4\.22\.0, \d+ threads?\)$/)
    }),
  )

  it.effect("a config field forces cpu", () =>
    Effect.gen(function* () {
      const info = yield* TensorRuntime.pipe(Effect.provide(TensorRuntime.layerFor("cpu")))
      assert.strictEqual(info.backend, "cpu")
      assert.strictEqual(tf.getBackend(), "cpu")
    }),
  )

  it.effect("auto falls through the native backends to wasm, saying why", () =>
    Effect.gen(function* () {
      const info = yield* TensorRuntime.pipe(Effect.provide(withEnv({})))
      if (nativeInstalled) {
        assert.strictEqual(info.backend, "tensorflow")
        return
      }
      assert.strictEqual(info.backend, "wasm")
      assert.deepStrictEqual(
        info.skipped.map((s) => s.package),
        ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"],
      )
      assert.strictEqual(info.skipped[0].reason, "not installed")
    }),
  )

  it.effect("an unknown name is an UnknownBackend error naming its source", () =>
    Effect.gen(function* () {
      const exit = yield* TensorRuntime.pipe(Effect.provide(withEnv({ SNIPER_BACKEND: "webgpu" })), Effect.exit)
      assert.isTrue(Exit.isFailure(exit))
      const error = yield* TensorRuntime.pipe(Effect.provide(withEnv({ SNIPER_BACKEND: "webgpu" })), Effect.flip)
      assert.strictEqual(error._tag, "UnknownBackend")
      assert.include(error.message, 'SNIPER_BACKEND is "webgpu"')
      assert.include(error.message, "auto, tensorflow, wasm, cpu")
    }),
  )

  it.effect("forcing tensorflow without it installed is a BackendUnavailable error", () =>
    Effect.gen(function* () {
      if (nativeInstalled) return
      const error = yield* TensorRuntime.pipe(Effect.provide(withEnv({ SNIPER_BACKEND: "tensorflow" })), Effect.flip)
      assert.strictEqual(error._tag, "BackendUnavailable")
      assert.include(error.message, "@tensorflow/tfjs-node-gpu: not installed")
      assert.include(error.message, "@tensorflow/tfjs-node: not installed")
      assert.include(error.message, "SNIPER_BACKEND")
    }),
  )
})

describe("describeRuntime()", () => {
  it("writes one line: backend, package, version, threads, then what was skipped and why", () => {
    const wasm = { backend: "wasm", package: "@tensorflow/tfjs-backend-wasm", version: "4.22.0", threads: 1 } as const
    assert.strictEqual(
      describeRuntime({ ...wasm, skipped: [] }),
      "wasm (@tensorflow/tfjs-backend-wasm 4.22.0, 1 thread)",
    )
    assert.strictEqual(
      describeRuntime({
        ...wasm,
        threads: 2,
        skipped: [{ package: "@tensorflow/tfjs-node", reason: "not installed" }],
      }),
      "wasm (@tensorflow/tfjs-backend-wasm 4.22.0, 2 threads); skipped @tensorflow/tfjs-node (not installed)",
    )
    assert.strictEqual(
      describeRuntime({
        backend: "cpu",
        package: "@tensorflow/tfjs-backend-cpu",
        version: "4.22.0",
        threads: 0,
        skipped: [
          { package: "a", reason: "x" },
          { package: "b", reason: "y" },
        ],
      }),
      "cpu (@tensorflow/tfjs-backend-cpu 4.22.0); skipped a (x), b (y)",
    )
  })
})
