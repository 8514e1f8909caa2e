/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length N,
 * N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: string } }`,
 * then the raw little-endian, row-major tensor bytes, offsets relative to the end of the header.
 * Pure functions over bytes; files and tensors are handled in weights.ts.
 */
import { crc32 } from "node:zlib"

/** The safetensors dtypes tfjs can hold, and their tfjs names. */
export const SAFETENSORS_DTYPES = { F32: "float32", I32: "int32", BOOL: "bool" } as const
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES
export type TfDtype = (typeof SAFETENSORS_DTYPES)[SafetensorsDtype]

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, I32: 4, BOOL: 1 }
const FROM_TF: Record<TfDtype, SafetensorsDtype> = { float32: "F32", int32: "I32", bool: "BOOL" }

/** One tensor in a file, `begin`/`end` as absolute byte offsets into the file. */
export interface HeaderEntry {
  readonly name: string
  readonly dtype: TfDtype
  readonly shape: ReadonlyArray<number>
  readonly begin: number
  readonly end: number
}

export interface Header {
  readonly entries: ReadonlyArray<HeaderEntry>
  readonly metadata: Readonly<Record<string, string>>
  /** Byte offset of the data section. */
  readonly dataStart: number
}

/** Raw bytes of one tensor to write. */
export interface TensorBytes {
  readonly name: string
  readonly dtype: TfDtype
  readonly shape: ReadonlyArray<number>
  readonly bytes: Uint8Array
}

const MAX_HEADER = 100 * 1024 * 1024

function numel(shape: ReadonlyArray<number>): number {
  return shape.reduce((a, b) => a * b, 1)
}

/** The 8-byte length plus the JSON header (space-padded to a multiple of 8) for `tensors`, in order. */
export function encodeHeader(
  tensors: ReadonlyArray<Omit<TensorBytes, "bytes"> & { readonly byteLength: number }>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const json: Record<string, unknown> = {}
  if (Object.keys(metadata).length > 0) json.__metadata__ = metadata
  let offset = 0
  for (const t of tensors) {
    if (t.name === "__metadata__")
      throw new RangeError(`Cannot save weights: "__metadata__" is reserved, current value is a tensor name`)
    if (t.name in json)
      throw new RangeError(`Cannot save weights: names must be unique, current value repeats "${t.name}"`)
    const expected = numel(t.shape) * BYTES[FROM_TF[t.dtype]]
    if (t.byteLength !== expected) {
      throw new RangeError(
        `Cannot save weights: "${t.name}" must have ${expected} bytes, current value has ${t.byteLength}`,
      )
    }
    json[t.name] = { dtype: FROM_TF[t.dtype], shape: t.shape, data_offsets: [offset, offset + t.byteLength] }
    offset += t.byteLength
  }
  const text = new TextEncoder().encode(JSON.stringify(json))
  const padded = Math.ceil(text.length / 8) * 8
  const out = new Uint8Array(8 + padded).fill(0x20, 8)
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true)
  out.set(text, 8)
  return out
}

/** Parses and checks a header against the file size; returns a problem sentence instead of throwing. */
export function decodeHeader(prefix: Uint8Array, fileSize: number): Header | string {
  if (fileSize < 8) return `the file has ${fileSize} bytes, fewer than the 8-byte header length (truncated?)`
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true)
  if (length > BigInt(Math.min(MAX_HEADER, fileSize - 8))) {
    return `the header claims ${length} bytes but the file has ${fileSize - 8} after the length (truncated or not safetensors)`
  }
  const n = Number(length)
  if (prefix.length < 8 + n) return `only ${prefix.length} of ${8 + n} header bytes available`
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(prefix.subarray(8, 8 + n)))
  } catch (cause) {
    return `the header is not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) return "the header is not a JSON object"
  const dataStart = 8 + n
  const entries: HeaderEntry[] = []
  let metadata: Record<string, string> = {}
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (raw === null || typeof raw !== "object" || Object.values(raw).some((v) => typeof v !== "string")) {
        return "__metadata__ must map strings to strings"
      }
      metadata = raw as Record<string, string>
      continue
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown }
    if (typeof e?.dtype !== "string" || !(e.dtype in SAFETENSORS_DTYPES)) {
      return `tensor "${name}" has dtype ${JSON.stringify(e?.dtype)}; supported are ${Object.keys(SAFETENSORS_DTYPES).join(", ")}`
    }
    const shape = e.shape
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      return `tensor "${name}" has shape ${JSON.stringify(shape)}, not a list of non-negative integers`
    }
    const offsets = e.data_offsets
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      return `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`
    }
    const dtype = e.dtype as SafetensorsDtype
    const [begin, end] = offsets as [number, number]
    if (end - begin !== numel(shape) * BYTES[dtype]) {
      return `tensor "${name}" spans ${end - begin} bytes but ${dtype} [${shape.join(", ")}] needs ${numel(shape) * BYTES[dtype]}`
    }
    entries.push({ name, dtype: SAFETENSORS_DTYPES[dtype], shape, begin: dataStart + begin, end: dataStart + end })
  }
  // the data section must be covered exactly, without holes or overlaps
  const sorted = [...entries].sort((a, b) => a.begin - b.begin)
  let at = dataStart
  for (const e of sorted) {
    if (e.begin !== at)
      return `tensor "${e.name}" starts at data byte ${e.begin - dataStart}, expected ${at - dataStart} (hole or overlap)`
    at = e.end
  }
  if (at !== fileSize) {
    return at > fileSize
      ? `the tensors need ${at} bytes but the file has ${fileSize} (truncated)`
      : `${fileSize - at} bytes follow the last tensor (corrupt or not safetensors)`
  }
  return { entries, metadata, dataStart }
}

/**
 * The `__metadata__` key under which this project's writer stores each tensor's CRC-32 (a JSON object of name to
 * 8 hex digits), so that flipped bytes in the data section are found on load. Files without it load unchecked.
 */
export const CHECKSUM_KEY = "sniper.crc32"

/** CRC-32 (zlib's) of a tensor's bytes, as 8 hex digits. */
export function tensorChecksum(bytes: Uint8Array): string {
  return crc32(bytes).toString(16).padStart(8, "0")
}

/** The metadata value of CHECKSUM_KEY for `tensors`. */
export function encodeChecksums(tensors: ReadonlyArray<Pick<TensorBytes, "name" | "bytes">>): string {
  return JSON.stringify(Object.fromEntries(tensors.map((t) => [t.name, tensorChecksum(t.bytes)])))
}

/**
 * Checks every tensor of a decoded file against its stored checksum. Returns undefined when all agree (or the file
 * has none), else the first tensor at fault (`""` when the checksum record itself is damaged) and why.
 */
export function checksumProblem(
  header: Header,
  file: Uint8Array,
): { readonly tensor: string; readonly problem: string } | undefined {
  const stored = header.metadata[CHECKSUM_KEY]
  if (stored === undefined) return undefined
  let sums: unknown
  try {
    sums = JSON.parse(stored)
  } catch {
    return { tensor: "", problem: `its ${CHECKSUM_KEY} metadata is not JSON` }
  }
  if (sums === null || typeof sums !== "object" || Array.isArray(sums)) {
    return { tensor: "", problem: `its ${CHECKSUM_KEY} metadata is not an object of checksums` }
  }
  const byName = sums as Record<string, unknown>
  for (const e of header.entries) {
    const want = byName[e.name]
    if (typeof want !== "string") return { tensor: e.name, problem: "has no checksum although the file has checksums" }
    const got = tensorChecksum(file.subarray(e.begin, e.end))
    if (got !== want) return { tensor: e.name, problem: `has CRC-32 ${got}, but ${want} was written` }
  }
  const names = new Set(header.entries.map((e) => e.name))
  const lost = Object.keys(byName).find((name) => !names.has(name))
  if (lost !== undefined) return { tensor: lost, problem: "has a checksum but is missing from the file" }
  return undefined
}
