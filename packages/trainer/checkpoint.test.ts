import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import type { Detector } from "@sniper/detector-model"
import { loadWeights, optimizerState, saveWeights, TensorRuntime, type TensorSpec } from "@sniper/tensor-runtime"
import { killChild, startChild } from "@sniper/testing"
import * as tf from "@tensorflow/tfjs"
import { Effect, type Scope } from "effect"
import { scopedDetector, scopedOptimizer } from "./_resources.ts"
import { checkpointPath, loadCheckpoint, optimizerSlotProblem, saveCheckpoint } from "./checkpoint.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

/** The child process of the crash tests. */
const childScript = fileURLToPath(new URL("./run_child_fixtures.ts", import.meta.url))

const folder = () => mkdtempSync(join(tmpdir(), "trainer-checkpoint-"))
const config = tinyTrainConfig()

/** One update of every trainable variable with a fixed gradient (so that Adam has moments to save). */
function update(detector: Detector, optimizer: tf.Optimizer, scale: number): void {
  const grads: Record<string, tf.Tensor> = {}
  for (const name of detector.params.trainable) {
    const v = detector.params.variables.get(name)!
    grads[v.name] = tf.fill(v.shape, scale)
  }
  optimizer.applyGradients(grads)
  tf.dispose(Object.values(grads))
}

const values = (detector: Detector) => [...detector.params.variables.values()].map((v) => Array.from(v.dataSync()))

const scoped = <A, E>(effect: Effect.Effect<A, E, Scope.Scope | TensorRuntime>) =>
  effect.pipe(Effect.scoped, Effect.provide(TensorRuntime.layerQuiet))

describe("saveCheckpoint() / loadCheckpoint()", () => {
  it.effect("restores parameters, optimizer moments and progress, so that training continues exactly", () =>
    scoped(
      Effect.gen(function* () {
        const dir = folder()
        const a = yield* scopedDetector(config)
        const optA = yield* scopedOptimizer(config.optimizer)
        update(a, optA, 0.5)
        update(a, optA, -0.25)
        yield* saveCheckpoint(checkpointPath(dir), {
          detector: a,
          optimizer: optA,
          progress: { step: 2, epoch: 1, chipsDone: 4 },
        })

        const b = yield* scopedDetector(tinyTrainConfig({ seed: 77 }))
        const optB = yield* scopedOptimizer(config.optimizer)
        assert.notDeepEqual(values(b), values(a))
        const progress = yield* loadCheckpoint(checkpointPath(dir), { detector: b, optimizer: optB })
        assert.deepStrictEqual(progress, { step: 2, epoch: 1, chipsDone: 4 })
        assert.deepStrictEqual(values(b), values(a))
        const slotsA = yield* optimizerState(optA)
        const slotsB = yield* optimizerState(optB)
        assert.deepStrictEqual(
          Object.values(slotsB).map((t) => Array.from(t.dataSync())),
          Object.values(slotsA).map((t) => Array.from(t.dataSync())),
        )
        update(a, optA, 0.125)
        update(b, optB, 0.125)
        assert.deepStrictEqual(values(b), values(a))
      }),
    ),
  )

  it.effect("finds no checkpoint in a fresh folder", () =>
    scoped(
      Effect.gen(function* () {
        const detector = yield* scopedDetector(config)
        const optimizer = yield* scopedOptimizer(config.optimizer)
        assert.isUndefined(yield* loadCheckpoint(checkpointPath(folder()), { detector, optimizer }))
      }),
    ),
  )

  it.effect("names the file and the tensor of a flipped byte, and leaves the detector untouched", () =>
    scoped(
      Effect.gen(function* () {
        const dir = folder()
        const a = yield* scopedDetector(config)
        const optA = yield* scopedOptimizer(config.optimizer)
        update(a, optA, 1)
        yield* saveCheckpoint(checkpointPath(dir), {
          detector: a,
          optimizer: optA,
          progress: { step: 1, epoch: 0, chipsDone: 2 },
        })
        const path = checkpointPath(dir)
        const bytes = readFileSync(path)
        const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString())
        const [name, entry] = Object.entries(header).find(([n]) => n.startsWith("roi.")) as [
          string,
          { data_offsets: [number, number] },
        ]
        bytes[8 + Number(bytes.readBigUInt64LE(0)) + entry.data_offsets[0] + 1] ^= 0x10
        writeFileSync(path, bytes)
        const b = yield* scopedDetector(tinyTrainConfig({ seed: 5 }))
        const before = values(b)
        const error = yield* loadCheckpoint(checkpointPath(dir), {
          detector: b,
          optimizer: yield* scopedOptimizer(config.optimizer),
        }).pipe(Effect.flip)
        assert.strictEqual(error._tag, "WeightsCorrupt")
        assert.include(error.message, `"${path}": it is damaged, tensor "${name}" has CRC-32`)
        assert.deepStrictEqual(values(b), before)
      }),
    ),
  )

  it.effect("fails with RunFileError naming the file for malformed progress or optimizer state, not a throw", () =>
    scoped(
      Effect.gen(function* () {
        const dir = folder()
        const detector = yield* scopedDetector(config)
        const optimizer = yield* scopedOptimizer(config.optimizer)
        update(detector, optimizer, 1)
        yield* saveCheckpoint(checkpointPath(dir), {
          detector,
          optimizer,
          progress: { step: 1, epoch: 0, chipsDone: 2 },
        })
        const path = checkpointPath(dir)
        const { tensors, metadata } = yield* loadWeights(path)
        const rewrite = (t: Record<string, tf.Tensor>, m: Record<string, string>) =>
          saveWeights(path, t, { metadata: m })
        const load = Effect.flip(
          loadCheckpoint(checkpointPath(dir), { detector, optimizer: yield* scopedOptimizer(config.optimizer) }),
        )

        yield* rewrite(tensors, { ...metadata, progress: '{"step":-1}' })
        const progress = yield* load
        assert.strictEqual(progress._tag, "RunFileError")
        assert.include(progress.message, `"${path}": its progress metadata is missing or malformed`)

        const renamed = { ...tensors }
        const [first] = Object.keys(renamed).filter((n) => n.startsWith("optimizer/0001/"))
        renamed["optimizer/x/moment"] = renamed[first]
        delete renamed[first]
        yield* rewrite(renamed, metadata)
        const name = yield* load
        assert.include(
          name.message,
          `its optimizer state does not fit this run: "optimizer/x/moment" is not named optimizer/<position>/<slot>`,
        )

        const reshaped = { ...tensors, [first]: tf.zeros([3]) }
        yield* rewrite(reshaped, metadata)
        const shape = yield* load
        assert.include(
          shape.message,
          `"${first}" is float32 [3], but position 1 belongs to "${detector.params.trainable[0]}"`,
        )
        tf.dispose([...Object.values(tensors), reshaped[first]])
      }),
    ),
  )

  it("a writer SIGKILLed mid-save leaves a whole checkpoint to resume from", async () => {
    const dir = folder()
    const child = await startChild(childScript, ["checkpoint", dir], { lines: 2 })
    await new Promise((r) => setTimeout(r, 29))
    await killChild(child)
    await Effect.runPromise(
      scoped(
        Effect.gen(function* () {
          const detector = yield* scopedDetector(config)
          const progress = yield* loadCheckpoint(checkpointPath(dir), {
            detector,
            optimizer: yield* scopedOptimizer(config.optimizer),
          })
          const k = progress?.step ?? 0
          assert.isAtLeast(k, 2)
          assert.strictEqual(progress?.chipsDone, k)
          for (const v of values(detector)) assert.isTrue(v.every((x) => x === k))
        }),
      ),
    )
  }, 60_000)
})

describe("optimizerSlotProblem()", () => {
  const spec = (...shape: number[]): TensorSpec => ({ shape, dtype: "float32" })
  const trainable = [
    ["w", spec(2, 3)],
    ["b", spec(3)],
  ] as const
  const adam = {
    "optimizer/0000/iter": { shape: [], dtype: "int32" },
    "optimizer/0001/7/m": spec(2, 3),
    "optimizer/0002/8/m": spec(3),
    "optimizer/0003/7/v": spec(2, 3),
    "optimizer/0004/8/v": spec(3),
  } satisfies Record<string, TensorSpec>

  it("accepts no slots, iter alone, one round (momentum) and two rounds (Adam) over the trainable variables", () => {
    assert.isUndefined(optimizerSlotProblem({}, trainable))
    assert.isUndefined(optimizerSlotProblem({ "optimizer/0000/iter": adam["optimizer/0000/iter"] }, trainable))
    const { "optimizer/0003/7/v": _, "optimizer/0004/8/v": __, ...momentum } = adam
    assert.isUndefined(optimizerSlotProblem(momentum, trainable))
    assert.isUndefined(optimizerSlotProblem(adam, trainable))
  })

  it("names what does not fit", () => {
    const { "optimizer/0004/8/v": _, ...short } = adam
    assert.strictEqual(
      optimizerSlotProblem(short, trainable),
      "it has 4 slots, not 1 + a multiple of the 2 trainable variables",
    )
    assert.strictEqual(
      optimizerSlotProblem({ ...adam, "optimizer/0002/8/m": spec(2, 3) }, trainable),
      '"optimizer/0002/8/m" is float32 [2, 3], but position 2 belongs to "b", float32 [3]',
    )
    const { "optimizer/0002/8/m": __, ...gap } = adam
    assert.strictEqual(
      optimizerSlotProblem({ ...gap, "optimizer/0005/9/x": spec(3) }, trainable),
      "slot position 2 is missing (5 slots)",
    )
    assert.strictEqual(
      optimizerSlotProblem({ ...adam, "optimizer/0000/iter": spec(1) }, trainable),
      '"optimizer/0000/iter" is float32 [1], but position 0 belongs to "iter", float32 []',
    )
    assert.strictEqual(
      optimizerSlotProblem({ ...adam, "optimizer/01/7/m": spec(2, 3) }, trainable),
      'position 1 appears twice ("optimizer/01/7/m")',
    )
  })
})
