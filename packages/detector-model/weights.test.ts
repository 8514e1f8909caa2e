import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { loadWeights, saveWeights } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { readyBackend } from "./backend_fixtures.ts"
import { createDetector, disposeDetector } from "./detector.ts"
import { scaledChannels } from "./resnet.ts"
import { tinyConfig } from "./tiny_fixtures.ts"
import { importTorchvisionResnet, torchvisionName } from "./torchvision.ts"
import { loadDetector, saveDetector } from "./weights.ts"

beforeAll(async () => {
  await readyBackend()
})

const dir = mkdtempSync(join(tmpdir(), "detector-weights-"))
process.on("exit", () => rmSync(dir, { recursive: true, force: true }))

/** torchvision's ResNet state dict (names and PyTorch [out, in, kh, kw] shapes), channels times `width`. */
function torchvisionShapes(depth: 50 | 101, width: number): Array<[string, Array<number>]> {
  const c = (n: number) => scaledChannels(n, width)
  const out: Array<[string, Array<number>]> = [["conv1.weight", [c(64), 3, 7, 7]]]
  const bn = (name: string, n: number) => {
    for (const p of ["weight", "bias", "running_mean", "running_var"]) out.push([`${name}.${p}`, [n]])
    out.push([`${name}.num_batches_tracked`, []])
  }
  bn("bn1", c(64))
  let inplanes = c(64)
  const blocks = depth === 50 ? [3, 4, 6, 3] : [3, 4, 23, 3]
  blocks.forEach((count, layer) => {
    const planes = c(64 * 2 ** layer)
    for (let i = 0; i < count; i++) {
      const p = `layer${layer + 1}.${i}`
      out.push([`${p}.conv1.weight`, [planes, inplanes, 1, 1]])
      bn(`${p}.bn1`, planes)
      out.push([`${p}.conv2.weight`, [planes, planes, 3, 3]])
      bn(`${p}.bn2`, planes)
      out.push([`${p}.conv3.weight`, [planes * 4, planes, 1, 1]])
      bn(`${p}.bn3`, planes * 4)
      if (i === 0) {
        out.push([`${p}.downsample.0.weight`, [planes * 4, inplanes, 1, 1]])
        bn(`${p}.downsample.1`, planes * 4)
      }
      inplanes = planes * 4
    }
  })
  out.push(["fc.weight", [1000, inplanes]], ["fc.bias", [1000]])
  return out
}

function writeTorchvision(path: string, depth: 50 | 101, width: number, drop?: string) {
  const tensors: Record<string, tf.Tensor> = {}
  let seed = 1
  for (const [name, shape] of torchvisionShapes(depth, width)) {
    if (name === drop) continue
    tensors[name] = name.endsWith("num_batches_tracked")
      ? tf.scalar(7, "int32")
      : tf.randomUniform(shape, -1, 1, "float32", seed++)
  }
  return saveWeights(path, tensors).pipe(Effect.ensuring(Effect.sync(() => tf.dispose(Object.values(tensors)))))
}

describe("torchvisionName()", () => {
  it("torchvisionName() prefixes backbone tensors and drops the classifier and batch counters", () => {
    assert.strictEqual(
      torchvisionName("layer3.5.downsample.1.running_var"),
      "backbone.layer3.5.downsample.1.running_var",
    )
    assert.strictEqual(torchvisionName("conv1.weight"), "backbone.conv1.weight")
    assert.isUndefined(torchvisionName("fc.weight"))
    assert.isUndefined(torchvisionName("layer1.0.bn1.num_batches_tracked"))
  }, 120_000)
})

describe("importTorchvisionResnet()", () => {
  it.effect(
    "importTorchvisionResnet() loads a tiny ResNet-50 checkpoint in torchvision naming, transposing convs",
    () =>
      Effect.gen(function* () {
        const path = join(dir, "r50.safetensors")
        yield* writeTorchvision(path, 50, 1 / 16)
        const detector = createDetector(tinyConfig({ depth: 50 }), { seed: 1 })
        const loaded = yield* importTorchvisionResnet(path, detector)
        const backbone = [...detector.params.variables.keys()].filter((n) => n.startsWith("backbone."))
        assert.strictEqual(loaded, backbone.length)
        const { tensors } = yield* loadWeights(path)
        // torch [o, i, kh, kw] = ours [kh, kw, i, o]
        const torch = tensors["layer4.1.conv2.weight"].arraySync() as number[][][][]
        const ours = detector.params.variables.get("backbone.layer4.1.conv2.weight")!.arraySync() as number[][][][]
        assert.strictEqual(ours[2][0][3][1], torch[1][3][2][0])
        assert.strictEqual(ours[0][1][2][3], torch[3][2][0][1])
        const rv = tensors["layer2.0.downsample.1.running_var"].dataSync()
        assert.deepStrictEqual(
          Array.from(detector.params.variables.get("backbone.layer2.0.downsample.1.running_var")!.dataSync()),
          Array.from(rv),
        )
        tf.dispose(Object.values(tensors))
        disposeDetector(detector)
      }),
    120_000,
  )

  it.effect(
    "importTorchvisionResnet() refuses a ResNet-101 or incomplete checkpoint and leaves weights untouched",
    () =>
      Effect.gen(function* () {
        const detector = createDetector(tinyConfig({ depth: 50 }), { seed: 1 })
        const before = detector.params.variables.get("backbone.conv1.weight")!.dataSync().slice()
        const deeper = join(dir, "r101.safetensors")
        yield* writeTorchvision(deeper, 101, 1 / 16)
        const e1 = yield* Effect.flip(importTorchvisionResnet(deeper, detector))
        assert.strictEqual(e1._tag, "WeightsMismatch")
        assert.match(e1.message, /unexpected tensor "layer3\.6\.conv1\.weight"/)
        const partial = join(dir, "partial.safetensors")
        yield* writeTorchvision(partial, 50, 1 / 16, "layer1.2.bn3.bias")
        const e2 = yield* Effect.flip(importTorchvisionResnet(partial, detector))
        assert.match(e2.message, /missing tensor "layer1\.2\.bn3\.bias"/)
        const wider = join(dir, "wider.safetensors")
        yield* writeTorchvision(wider, 50, 1 / 8)
        const e3 = yield* Effect.flip(importTorchvisionResnet(wider, detector))
        assert.match(
          e3.message,
          /"conv1.weight" is float32 \[7,7,3,8\] after layout change, the backbone needs float32 \[7,7,3,4\]/,
        )
        assert.deepStrictEqual(detector.params.variables.get("backbone.conv1.weight")!.dataSync(), before)
        disposeDetector(detector)
      }),
    120_000,
  )
})

describe("saveDetector() and loadDetector()", () => {
  it.effect(
    "loadDetector() restores saved weights and refuses another architecture",
    () =>
      Effect.gen(function* () {
        const path = join(dir, "tiny.safetensors")
        const a = createDetector(tinyConfig(), { seed: 1 })
        const b = createDetector(tinyConfig(), { seed: 2 })
        yield* saveDetector(path, a)
        yield* loadDetector(path, b)
        for (const [name, v] of a.params.variables)
          assert.deepStrictEqual(b.params.variables.get(name)!.dataSync(), v.dataSync(), name)
        const c = createDetector(tinyConfig({ depth: 34 }), { seed: 3 })
        const error = yield* Effect.flip(loadDetector(path, c))
        assert.strictEqual(error._tag, "WeightsMismatch")
        assert.match(error.message, /layer1\.2/)
        for (const d of [a, b, c]) disposeDetector(d)
      }),
    120_000,
  )
})
