import { open } from "node:fs/promises"
import { Effect } from "effect"
import type { Problems } from "./_problems.ts"
import { RecordSplitter, type SplitterSink } from "./_record_splitter.ts"
import { CocoReadError } from "./errors.ts"

/** Bytes read at a time; memory stays near this plus the largest record. */
const CHUNK_BYTES = 4 << 20

/**
 * Streams a JSON file through a RecordSplitter, handing batches of top-level array records to `sink`; syntax
 * problems go to `problems`. Stops early when `problems.stop` says so.
 */
export const readJsonRecords = Effect.fnUntraced(function* (
  file: string,
  options: {
    readonly root: "object" | "array"
    readonly arrays: ReadonlyArray<string>
    readonly sink: SplitterSink
    readonly problems: Problems
    /** Per array, a record field left unparsed (see RecordSplitter). */
    readonly drop?: Readonly<Record<string, string>>
  },
) {
  const { problems } = options
  const readError = (cause: unknown) =>
    new CocoReadError({ file, problem: cause instanceof Error ? cause.message : String(cause) })
  const handle = yield* Effect.acquireRelease(
    Effect.tryPromise({ try: () => open(file, "r"), catch: readError }),
    (handle) => Effect.promise(() => handle.close()),
  )
  const splitter = new RecordSplitter(options.root, new Set(options.arrays), options.sink, { drop: options.drop })
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  for (;;) {
    const { bytesRead } = yield* Effect.tryPromise({
      try: () => handle.read(buffer, 0, CHUNK_BYTES, null),
      catch: readError,
    })
    const problem = bytesRead === 0 ? splitter.end() : splitter.push(buffer.subarray(0, bytesRead))
    if (problem !== undefined) {
      problems.json(problem)
      return
    }
    if (problems.stop || bytesRead === 0) return
  }
}, Effect.scoped)
