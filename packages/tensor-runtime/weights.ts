/**
 * Named tensors on disk as safetensors. Writes are atomic (@sniper/files: temp file in the same folder, fsync,
 * rename, fsync of the folder), so a kill at any moment leaves the previous file intact, and carry a CRC-32 per
 * tensor; loads check the whole file, the checksums and the expected names, shapes and dtypes before creating any
 * tensor.
 */
import { readFile } from "node:fs/promises"
import { endianness } from "node:os"
import { writeFileAtomic } from "@sniper/files"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { WeightsCorrupt, WeightsFileError, WeightsMismatch, WeightsWriteError } from "./errors.ts"
import {
  CHECKSUM_KEY,
  checksumProblem,
  decodeHeader,
  encodeChecksums,
  encodeHeader,
  type Header,
  SAFETENSORS_DTYPES,
  type TfDtype,
} from "./safetensors.ts"

/** What a loader expects of one tensor. */
export interface TensorSpec {
  readonly shape: ReadonlyArray<number>
  readonly dtype: tf.DataType
}

export interface LoadedWeights {
  readonly tensors: Record<string, tf.Tensor>
  readonly metadata: Readonly<Record<string, string>>
}

const supported = Object.values(SAFETENSORS_DTYPES) as ReadonlyArray<string>

function problemOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

function checkHost(): void {
  if (endianness() !== "LE") throw new RangeError("Cannot use safetensors files: this host is big-endian")
}

/**
 * Writes `tensors` (model weights, optimizer slots, ...) to `path` in safetensors format, with optional
 * string `metadata` (e.g. the step) and each tensor's checksum. Fails with WeightsWriteError, leaving no partial
 * file behind.
 */
export const saveWeights = Effect.fn("saveWeights")(function* (
  path: string,
  tensors: Readonly<Record<string, tf.Tensor>>,
  options: { readonly metadata?: Readonly<Record<string, string>> } = {},
) {
  checkHost()
  if (options.metadata !== undefined && CHECKSUM_KEY in options.metadata) {
    throw new RangeError(`Cannot save weights: metadata key "${CHECKSUM_KEY}" is reserved, current metadata has it`)
  }
  for (const [name, t] of Object.entries(tensors)) {
    if (!supported.includes(t.dtype)) {
      throw new RangeError(
        `Cannot save weights: "${name}" must be ${supported.join(", ")}, current dtype is ${t.dtype}`,
      )
    }
    if (t.isDisposed)
      throw new RangeError(`Cannot save weights: "${name}" is disposed, current value is a disposed tensor`)
  }
  const parts = yield* Effect.promise(() =>
    Promise.all(
      Object.entries(tensors).map(async ([name, t]) => {
        const data = (await t.data()) as Float32Array | Int32Array | Uint8Array
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        return { name, dtype: t.dtype as TfDtype, shape: t.shape, bytes }
      }),
    ),
  )
  const header = encodeHeader(
    parts.map((p) => ({ ...p, byteLength: p.bytes.byteLength })),
    { ...options.metadata, [CHECKSUM_KEY]: encodeChecksums(parts) },
  )
  yield* writeFileAtomic(path, [header, ...parts.map((p) => p.bytes)]).pipe(
    Effect.mapError((error) => new WeightsWriteError({ path, problem: error.problem })),
  )
})

/** Differences between a file's header and `expect`, one sentence each (empty when they agree). */
export function weightMismatches(
  header: Header,
  expect: Readonly<Record<string, TensorSpec>>,
  ignore: (name: string) => boolean = () => false,
): string[] {
  const problems: string[] = []
  const inFile = new Map(header.entries.map((e) => [e.name, e]))
  for (const [name, spec] of Object.entries(expect)) {
    const e = inFile.get(name)
    if (e === undefined) {
      problems.push(`missing "${name}" (${spec.dtype} [${spec.shape.join(", ")}])`)
      continue
    }
    if (e.shape.length !== spec.shape.length || e.shape.some((d, i) => d !== spec.shape[i])) {
      problems.push(`"${name}" has shape [${e.shape.join(", ")}], expected [${spec.shape.join(", ")}]`)
    }
    if (e.dtype !== spec.dtype) problems.push(`"${name}" has dtype ${e.dtype}, expected ${spec.dtype}`)
  }
  for (const e of header.entries) {
    if (!(e.name in expect) && !ignore(e.name))
      problems.push(`unexpected "${e.name}" (${e.dtype} [${e.shape.join(", ")}])`)
  }
  return problems
}

/**
 * Reads every tensor of a safetensors file, checking the CRC-32 of each when the file has them (WeightsCorrupt
 * names the tensor); the returned metadata leaves the checksums out. With `expect`, the names, shapes and dtypes must match exactly,
 * apart from extra names `ignore` accepts (WeightsMismatch lists every difference); nothing is created
 * unless the whole file checks out.
 */
export const loadWeights = Effect.fn("loadWeights")(function* (
  path: string,
  options: {
    readonly expect?: Readonly<Record<string, TensorSpec>>
    readonly ignore?: (name: string) => boolean
  } = {},
) {
  checkHost()
  const bytes = yield* Effect.tryPromise({
    try: () => readFile(path),
    catch: (cause) => new WeightsFileError({ path, problem: problemOf(cause) }),
  })
  const header = decodeHeader(bytes, bytes.length)
  if (typeof header === "string") return yield* new WeightsFileError({ path, problem: header })
  const damaged = checksumProblem(header, bytes)
  if (damaged !== undefined) return yield* new WeightsCorrupt({ path, ...damaged })
  if (options.expect !== undefined) {
    const problems = weightMismatches(header, options.expect, options.ignore)
    if (problems.length > 0) return yield* new WeightsMismatch({ path, problems })
  }
  const tensors: Record<string, tf.Tensor> = {}
  for (const e of header.entries) {
    const raw = bytes.buffer.slice(bytes.byteOffset + e.begin, bytes.byteOffset + e.end)
    const data =
      e.dtype === "float32" ? new Float32Array(raw) : e.dtype === "int32" ? new Int32Array(raw) : new Uint8Array(raw)
    tensors[e.name] = tf.tensor(data, [...e.shape], e.dtype)
  }
  const { [CHECKSUM_KEY]: _checksums, ...metadata } = header.metadata
  return { tensors, metadata } satisfies LoadedWeights
})

/**
 * Loads a file into existing variables (same names, shapes, dtypes; no other names unless `ignore` accepts
 * them, e.g. `isOptimizerSlot`) and returns the file's metadata; on any mismatch no variable is touched.
 */
export const loadWeightsInto = Effect.fn("loadWeightsInto")(function* (
  path: string,
  variables: Readonly<Record<string, tf.Variable>>,
  options: { readonly ignore?: (name: string) => boolean } = {},
) {
  const expect = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, { shape: v.shape, dtype: v.dtype }]))
  const { tensors, metadata } = yield* loadWeights(path, { expect, ignore: options.ignore })
  for (const [name, v] of Object.entries(variables)) v.assign(tensors[name])
  tf.dispose(Object.values(tensors))
  return metadata
})
