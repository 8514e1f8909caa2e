/**
 * Python's json module writes non-finite floats as the bare words NaN, Infinity and -Infinity, which JSON does not
 * allow, so a detector's results file with a NaN score stops JSON.parse at a token. This names the record's field
 * instead of only the byte, for a record-level error like any other bad value.
 */
import { open } from "node:fs/promises"
import { Effect } from "effect"
import { type CocoJsonError, type CocoProblem, CocoRecordError } from "./errors.ts"

/** Bytes read before the fault to find the record's key; a COCO result record is far shorter. */
const LOOK_BACK = 2048

/**
 * The literal at the start of `after` (or `-` then `Infinity` across the cut) and the field it stands in, from the
 * text of the record before it: `score`, or `bbox[2]` inside an array of numbers. Undefined when either is unclear.
 */
export function nonFiniteLiteral(
  before: string,
  after: string,
): { readonly literal: string; readonly field: string; readonly id: number | null } | undefined {
  // V8 places a fault at `-Infinity` after the minus sign
  const split = before.endsWith("-") && after.startsWith("Infinity")
  const literal = split ? "-Infinity" : /^(-?Infinity|NaN)/.exec(after)?.[1]
  if (literal === undefined) return undefined
  const head = split ? before.slice(0, -1) : before
  const record = head.slice(head.lastIndexOf("{"))
  const key = /"([A-Za-z_]\w*)"\s*:\s*(\[[^[\]"{}]*)?$/.exec(record)
  if (!record.startsWith("{") || key === null) return undefined
  const field = key[2] === undefined ? key[1] : `${key[1]}[${key[2].split(",").length - 1}]`
  const id = /"image_id"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*[,}]/.exec(record)
  return { literal, field, id: id === null ? null : Number(id[1]) }
}

/**
 * A parse fault of a record of `array` at a NaN or Infinity literal, as a CocoRecordError naming its field; any
 * other fault (or an unreadable file) comes back unchanged.
 */
export const nonFiniteRecordError = Effect.fnUntraced(function* (fault: CocoJsonError, array: string) {
  const index = /^\w*\[(\d+)\]$/.exec(fault.path)
  if (index === null) return fault as CocoProblem
  const from = Math.max(0, fault.offset - LOOK_BACK)
  const window = yield* Effect.acquireUseRelease(
    Effect.tryPromise(() => open(fault.file, "r")),
    (handle) => {
      const bytes = Buffer.alloc(fault.offset - from + 16)
      return Effect.tryPromise(() => handle.read(bytes, 0, bytes.length, from)).pipe(
        Effect.map(({ bytesRead }) => bytes.subarray(0, bytesRead)),
      )
    },
    (handle) => Effect.promise(() => handle.close()),
  ).pipe(Effect.orElseSucceed(() => undefined))
  if (window === undefined) return fault
  const at = fault.offset - from
  const found = nonFiniteLiteral(window.toString("utf8", 0, at), window.toString("utf8", at))
  if (found === undefined) return fault
  return new CocoRecordError({
    file: fault.file,
    array,
    index: Number(index[1]),
    id: found.id,
    field: found.field,
    problem: `is ${found.literal}, expected a finite number (JSON has no NaN or Infinity)`,
  })
})
