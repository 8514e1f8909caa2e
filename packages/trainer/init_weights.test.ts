import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { loadWeights, TensorRuntime } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { silentLogs } from "./log_fixtures.ts"
import { checkpointPath, StepRunner, train } from "./mod.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"
import { writeTorchvisionFile } from "./torchvision_fixtures.ts"

const dataDir = mkdtempSync(join(tmpdir(), "trainer-init-data-"))

/** A [kh, kw, in, out] value of ours against the [out, in, kh, kw] value torchvision stores. */
function convAt(ours: tf.Tensor, [kh, kw, i, o]: [number, number, number, number]): number {
  return (ours.arraySync() as number[][][][])[kh][kw][i][o]
}
function torchAt(theirs: tf.Tensor, [kh, kw, i, o]: [number, number, number, number]): number {
  return (theirs.arraySync() as number[][][][])[o][i][kh][kw]
}

describe("detector.init", () => {
  it.effect(
    "a new run starts from the torchvision backbone, keeps its frozen stages, and a resume does not load it again",
    () =>
      Effect.gen(function* () {
        const base = tinyTrainConfig()
        const detector = {
          ...base.detector,
          backbone: { ...base.detector.backbone, freezeAt: 2 as const },
          init: { torchvision: join(mkdtempSync(join(tmpdir(), "tv-")), "resnet18.safetensors") },
        }
        const config = tinyTrainConfig({ detector })
        yield* writeTorchvisionFile(detector.init.torchvision, detector)
        const runDir = mkdtempSync(join(tmpdir(), "run-init-"))
        const run = (maxSteps: number) =>
          train({ config, runDir, dataDir, maxSteps, evaluate: false }).pipe(Effect.provide(silentLogs))
        yield* run(2)
        const torch = (yield* loadWeights(detector.init.torchvision)).tensors
        const saved = (yield* loadWeights(checkpointPath(runDir))).tensors
        // The stem and res2 are frozen: after two steps they still hold torchvision's values, transposed.
        for (const at of [
          [0, 0, 0, 0],
          [6, 3, 2, 1],
          [2, 5, 1, 3],
        ] as Array<[number, number, number, number]>)
          assert.strictEqual(convAt(saved["backbone.conv1.weight"], at), torchAt(torch["conv1.weight"], at))
        assert.strictEqual(
          convAt(saved["backbone.layer1.1.conv2.weight"], [1, 2, 3, 0]),
          torchAt(torch["layer1.1.conv2.weight"], [1, 2, 3, 0]),
        )
        assert.deepStrictEqual(
          Array.from(saved["backbone.layer1.0.bn1.running_var"].dataSync()),
          Array.from(torch["layer1.0.bn1.running_var"].dataSync()),
        )
        // res3 trains: it started from torchvision's values (within a few Adam steps of them) and moved.
        const ours = saved["backbone.layer2.0.conv1.weight"].dataSync() as Float32Array
        const transposed = tf.transpose(torch["layer2.0.conv1.weight"], [2, 3, 1, 0])
        const theirs = transposed.dataSync()
        transposed.dispose()
        const moved = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i])), 0)
        assert.isAbove(moved, 0)
        assert.isBelow(moved, 0.01)
        tf.dispose([...Object.values(torch), ...Object.values(saved)])
        // Resuming needs no init file: the checkpoint has the weights.
        rmSync(detector.init.torchvision)
        const resumed = yield* run(3)
        assert.strictEqual(resumed.steps, 3)
      }).pipe(Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess])),
    300_000,
  )

  it.effect("a new run whose init file does not fit the backbone fails naming the file", () =>
    Effect.gen(function* () {
      const base = tinyTrainConfig()
      const path = join(mkdtempSync(join(tmpdir(), "tv-")), "wider.safetensors")
      const wider = { ...base.detector, backbone: { ...base.detector.backbone, width: 1 / 8 } }
      yield* writeTorchvisionFile(path, wider)
      const config = tinyTrainConfig({ detector: { ...base.detector, init: { torchvision: path } } })
      const error = yield* train({
        config,
        runDir: mkdtempSync(join(tmpdir(), "run-init-bad-")),
        dataDir,
        maxSteps: 1,
      }).pipe(Effect.provide(silentLogs), Effect.flip)
      assert.strictEqual(error._tag, "WeightsMismatch")
      assert.include(error.message, path)
      assert.include(error.message, '"conv1.weight" is float32 [7,7,3,8] after layout change')
    }).pipe(Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess])),
  )
})
