import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, beforeAll, describe, it } from "@effect/vitest"
import * as tf from "@tensorflow/tfjs"
import { Effect, Schema } from "effect"
import { liveTensors } from "./tensor_scope.ts"
import { loadWeights, loadWeightsInto, saveWeights } from "./weights.ts"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const folder = () => mkdtempSync(join(tmpdir(), "sniper-weights-"))
const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

describe("saveWeights() / loadWeights()", () => {
  it.effect("writes the documented bytes for a hand-worked file", () =>
    Effect.gen(function* () {
      const path = join(folder(), "a.safetensors")
      const a = tf.tensor1d([1, 2])
      yield* saveWeights(path, { a })
      a.dispose()
      const bytes = readFileSync(path)
      // CRC-32 of the 8 data bytes, computed apart (Python's zlib.crc32): 0x2e3fa576
      const json =
        '{"__metadata__":{"sniper.crc32":"{\\"a\\":\\"2e3fa576\\"}"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
      const padded = Math.ceil(json.length / 8) * 8
      assert.strictEqual(bytes.readBigUInt64LE(0), BigInt(padded))
      assert.strictEqual(bytes.subarray(8, 8 + padded).toString(), json.padEnd(padded, " "))
      assert.deepStrictEqual([...bytes.subarray(8 + padded)], [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40])
    }),
  )

  it.effect("round-trips float32, int32, bool, scalars, empty tensors and metadata", () =>
    Effect.gen(function* () {
      const path = join(folder(), "w.safetensors")
      const tensors = {
        "backbone/conv1/w": tf.randomNormal([3, 3, 2, 4]),
        "optimizer/iter": tf.scalar(7, "int32"),
        mask: tf.tensor1d([1, 0, 1], "bool"),
        empty: tf.zeros([0, 3]),
      }
      yield* saveWeights(path, tensors, { metadata: { step: "12" } })
      const before = liveTensors()
      const loaded = yield* loadWeights(path)
      assert.strictEqual(liveTensors(), before + 4)
      assert.deepStrictEqual(loaded.metadata, { step: "12" })
      for (const [name, t] of Object.entries(tensors)) {
        const back = loaded.tensors[name]
        assert.strictEqual(back.dtype, t.dtype, name)
        assert.deepStrictEqual(back.shape, t.shape, name)
        assert.deepStrictEqual([...back.dataSync()], [...t.dataSync()], name)
      }
      tf.dispose([...Object.values(tensors), ...Object.values(loaded.tensors)])
    }),
  )

  it.effect("reads files laid out differently by other writers (key order, padding, metadata)", () =>
    Effect.gen(function* () {
      const json =
        '{"__metadata__":{"format":"pt"},"y":{"shape":[1],"dtype":"I32","data_offsets":[4,8]},"x":{"dtype":"F32","data_offsets":[0,4],"shape":[]}}   '
      const body = Buffer.alloc(8 + json.length + 8)
      body.writeBigUInt64LE(BigInt(json.length), 0)
      body.write(json, 8)
      body.writeFloatLE(0.5, 8 + json.length)
      body.writeInt32LE(-3, 12 + json.length)
      const path = join(folder(), "py.safetensors")
      writeFileSync(path, body)
      const { tensors, metadata } = yield* loadWeights(path)
      assert.deepStrictEqual(metadata, { format: "pt" })
      assert.deepStrictEqual([...tensors.x.dataSync()], [0.5])
      assert.deepStrictEqual(tensors.x.shape, [])
      assert.deepStrictEqual([...tensors.y.dataSync()], [-3])
      tf.dispose(Object.values(tensors))
    }),
  )

  it.effect("names every mismatch and creates nothing", () =>
    Effect.gen(function* () {
      const path = join(folder(), "m.safetensors")
      const saved = { a: tf.zeros([2, 3]), b: tf.zeros([4], "int32"), extra: tf.zeros([1]) }
      yield* saveWeights(path, saved)
      tf.dispose(Object.values(saved))
      const before = liveTensors()
      const error = yield* loadWeights(path, {
        expect: {
          a: { shape: [3, 2], dtype: "float32" },
          b: { shape: [4], dtype: "float32" },
          c: { shape: [1], dtype: "float32" },
        },
      }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "WeightsMismatch")
      assert.strictEqual(liveTensors(), before)
      assert.include(error.message, '"a" has shape [2, 3], expected [3, 2]')
      assert.include(error.message, '"b" has dtype int32, expected float32')
      assert.include(error.message, 'missing "c" (float32 [1])')
      assert.include(error.message, 'unexpected "extra" (float32 [1])')
      assert.include(error.message, path)
    }),
  )

  it.prop(
    "turns every truncation and corrupted header byte into WeightsFileError",
    { cut: int(0, 1000), flip: int(0, 200), seed: int(1, 255) },
    ({ cut, flip, seed }) =>
      Effect.gen(function* () {
        const dir = folder()
        const path = join(dir, "t.safetensors")
        const t = { w: tf.ones([10, 10]), i: tf.ones([3], "int32") }
        yield* saveWeights(path, t)
        tf.dispose(Object.values(t))
        const size = readFileSync(path).length
        const before = liveTensors()
        truncateSync(path, cut % size)
        const cutError = yield* loadWeights(path).pipe(Effect.flip)
        assert.strictEqual(cutError._tag, "WeightsFileError")
        assert.include(cutError.message, path)
        // flip one byte of the length or the JSON header: either still a valid file of the same tensors, or an error
        yield* saveWeights(path, { w: tf.ones([10, 10]) })
        const bytes = readFileSync(path)
        const headerEnd = 8 + Number(bytes.readBigUInt64LE(0))
        const at = flip % headerEnd
        bytes[at] ^= seed
        writeFileSync(path, bytes)
        const result = yield* loadWeights(path).pipe(Effect.result)
        if (result._tag === "Success") {
          tf.dispose(Object.values(result.success.tensors))
        } else {
          // a flip inside the checksum record or a tensor name is found by the checksums
          assert.oneOf(result.failure._tag, ["WeightsFileError", "WeightsCorrupt"])
        }
        assert.strictEqual(liveTensors(), before)
      }),
    { arbitrary: { runs: 30 } },
  )

  it.prop(
    "names the tensor whose data has a flipped byte, and creates nothing",
    { at: int(0, 10_000), bit: int(0, 7) },
    ({ at, bit }) =>
      Effect.gen(function* () {
        const path = join(folder(), "c.safetensors")
        const t = { first: tf.ones([7, 3]), second: tf.ones([50], "int32"), third: tf.tensor1d([1, 0], "bool") }
        yield* saveWeights(path, t, { metadata: { step: "4" } })
        tf.dispose(Object.values(t))
        const bytes = readFileSync(path)
        const dataStart = 8 + Number(bytes.readBigUInt64LE(0))
        const offset = at % (bytes.length - dataStart)
        bytes[dataStart + offset] ^= 1 << bit
        writeFileSync(path, bytes)
        const before = liveTensors()
        const error = yield* loadWeights(path).pipe(Effect.flip)
        assert.strictEqual(liveTensors(), before)
        assert.strictEqual(error._tag, "WeightsCorrupt")
        // 84 bytes of "first", then 200 of "second", then 2 of "third"
        const tensor = offset < 84 ? "first" : offset < 284 ? "second" : "third"
        assert.include(error.message, `"${path}": it is damaged, tensor "${tensor}" has CRC-32`)
      }),
    { arbitrary: { runs: 25 } },
  )

  it.effect("keeps its checksums out of the metadata it returns, and reserves their key", () =>
    Effect.gen(function* () {
      const path = join(folder(), "k.safetensors")
      const a = tf.ones([2])
      yield* saveWeights(path, { a }, { metadata: { step: "1" } })
      const header = JSON.parse(
        readFileSync(path)
          .subarray(8, 8 + Number(readFileSync(path).readBigUInt64LE(0)))
          .toString(),
      )
      assert.deepStrictEqual(Object.keys(header.__metadata__).sort(), ["sniper.crc32", "step"])
      const loaded = yield* loadWeights(path)
      assert.deepStrictEqual(loaded.metadata, { step: "1" })
      tf.dispose(Object.values(loaded.tensors))
      const exit = yield* saveWeights(path, { a }, { metadata: { "sniper.crc32": "x" } }).pipe(Effect.exit)
      assert.include(String(exit), 'metadata key "sniper.crc32" is reserved')
      a.dispose()
    }),
  )

  it.effect("reports an unwritable folder and leaves nothing behind", () =>
    Effect.gen(function* () {
      const dir = folder()
      writeFileSync(join(dir, "not-a-folder"), "x")
      const t = tf.ones([2])
      for (const path of [join(dir, "missing", "w.safetensors"), join(dir, "not-a-folder", "w.safetensors")]) {
        const error = yield* saveWeights(path, { t }).pipe(Effect.flip)
        assert.strictEqual(error._tag, "WeightsWriteError")
        assert.include(error.message, path)
      }
      t.dispose()
      assert.deepStrictEqual(readdirSync(dir), ["not-a-folder"])
      const missing = yield* loadWeights(join(dir, "nope.safetensors")).pipe(Effect.flip)
      assert.strictEqual(missing._tag, "WeightsFileError")
      assert.include(missing.message, "ENOENT")
    }),
  )

  it.effect("loadWeightsInto() fills variables, and touches none on a mismatch", () =>
    Effect.gen(function* () {
      const path = join(folder(), "v.safetensors")
      const saved = { w: tf.tensor2d([1, 2, 3, 4], [2, 2]), b: tf.tensor1d([5, 6]) }
      yield* saveWeights(path, saved, { metadata: { epoch: "3" } })
      tf.dispose(Object.values(saved))
      const vars = { w: tf.variable(tf.zeros([2, 2])), b: tf.variable(tf.zeros([2])) }
      const before = liveTensors()
      const metadata = yield* loadWeightsInto(path, vars)
      assert.deepStrictEqual(metadata, { epoch: "3" })
      assert.deepStrictEqual([...vars.w.dataSync()], [1, 2, 3, 4])
      assert.strictEqual(liveTensors(), before)
      const wrong = { w: tf.variable(tf.zeros([2, 2])), b: tf.variable(tf.zeros([3])) }
      const error = yield* loadWeightsInto(path, wrong).pipe(Effect.flip)
      assert.strictEqual(error._tag, "WeightsMismatch")
      assert.deepStrictEqual([...wrong.w.dataSync()], [0, 0, 0, 0])
      tf.dispose([...Object.values(vars), ...Object.values(wrong)])
    }),
  )

  it("leaves a complete file when the writer is killed mid-write", async () => {
    const path = join(folder(), "kill.safetensors")
    const child = spawn(process.execPath, [fileURLToPath(new URL("./save_loop_fixtures.ts", import.meta.url)), path])
    let written = 0
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        written += chunk.toString().split("\n").filter(Boolean).length
        if (written >= 2) resolve()
      })
    })
    await new Promise((r) => setTimeout(r, 37))
    child.kill("SIGKILL")
    await new Promise((r) => child.on("exit", r))
    const { tensors, metadata } = await Effect.runPromise(loadWeights(path))
    const k = Number(metadata.k)
    assert.isAtLeast(k, 2)
    for (const t of Object.values(tensors)) assert.isTrue(t.dataSync().every((v) => v === k))
    tf.dispose(Object.values(tensors))
  }, 60_000)
})
