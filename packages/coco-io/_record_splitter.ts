/**
 * Cuts a JSON text, fed in chunks, into batches of the records of its top-level arrays, so that a 450 MB file is
 * never one string nor one object tree. It checks only the top-level punctuation (`{ "key": value, ... }` and the
 * commas between records); `JSON.parse` parses and checks each batch and every skipped value. Offsets are bytes.
 */
import { jsonFault } from "./_json_fault.ts"

/** A run of consecutive records of one top-level array, already parsed. */
export interface RecordBatch {
  /** The top-level key ("" when the root itself is the array). */
  readonly key: string
  /** Index of `values[0]` in its array. */
  readonly first: number
  readonly values: ReadonlyArray<unknown>
}

/** A syntax problem at a byte offset; `path` names the record, e.g. `annotations[3]`, or "". */
export interface SplitProblem {
  readonly offset: number
  readonly path: string
  readonly problem: string
}

/** What the splitter reports besides batches. */
export interface SplitterSink {
  /** A wanted array begins (called even when it turns out empty). */
  array(key: string): void
  batch(batch: RecordBatch): void
  /** A wanted key whose value is not an array (the value is parsed and handed over). */
  notArray(key: string, value: unknown): void
}

/** Where the scan is in the top-level grammar. */
const State = {
  start: 0,
  keyOrEnd: 1,
  key: 2,
  inKey: 3,
  colon: 4,
  value: 5,
  skip: 6,
  afterValue: 7,
  recordOrEnd: 8,
  record: 9,
  inRecord: 10,
  afterRecord: 11,
  end: 12,
} as const

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

function show(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, "0")}`
}

/** Batches are flushed at the end of each chunk, or sooner once they hold this many bytes. */
const MAX_BATCH_BYTES = 1 << 20

/** Splits the records of a JSON file; feed it with `push`, then call `end`. Each returns a problem or undefined. */
export class RecordSplitter {
  readonly #root: "object" | "array"
  readonly #wanted: ReadonlySet<string>
  readonly #sink: SplitterSink
  /** Bytes [0, #length) of `#buf` are the file from `#base` on; the buffer is reused, growing only as needed. */
  #buf: Buffer = Buffer.alloc(0)
  #length = 0
  /** File offset of `#buf[0]`. */
  #base = 0
  #pos = 0
  #state: number = State.start
  #seen = new Set<string>()
  #key = ""
  #tokenStart = 0
  // Value scanning (skip and record states).
  #depth = 0
  #inString = false
  #escaped = false
  #scalar = false
  // The array being split.
  #index = 0
  #batchStart = -1
  #batchEnd = -1
  #batchFirst = 0
  #starts: number[] = []
  // Dropping one field of the records of some arrays (annotations' segmentation): its quoted key as bytes. The
  // value is cut out of the text handed to JSON.parse (a `0` stands in); the buffer keeps the original bytes.
  readonly #dropFields: ReadonlyMap<string, Buffer>
  #dropKey: Buffer | undefined
  #dropState = 0
  #stringStart = 0
  #holeStart = 0
  /** Pairs of buffer indices [start, end) of dropped values in pending records; a reused buffer to cut them out. */
  #holes: number[] = []
  #scratch: Buffer = Buffer.alloc(0)

  constructor(
    root: "object" | "array",
    wanted: ReadonlySet<string>,
    sink: SplitterSink,
    options?: {
      /**
       * A field of the records of an array whose array or object value is not parsed (it reads as 0): COCO's
       * `segmentation` is most of a file's bytes and a box loader never looks at it. Its brackets and strings must
       * still balance, but a fault inside it (a bad number) goes unnoticed.
       */
      readonly drop?: Readonly<Record<string, string>>
    },
  ) {
    this.#root = root
    this.#wanted = wanted
    this.#sink = sink
    this.#dropFields = new Map(
      Object.entries(options?.drop ?? {}).map(([array, field]) => [array, Buffer.from(JSON.stringify(field))]),
    )
  }

  /** Scans one more chunk of the file. */
  push(chunk: Buffer): SplitProblem | undefined {
    this.#append(chunk)
    const problem = this.#scan()
    if (problem !== undefined) return problem
    return this.#flush()
  }

  /** Declares the end of the file. */
  end(): SplitProblem | undefined {
    if (this.#state === State.end) return undefined
    const offset = this.#base + this.#length
    const inside = this.#state === State.inRecord || this.#state === State.record ? this.#recordPath() : this.#key
    const what = this.#state === State.start ? "the file is empty" : "the file ends early (truncated?)"
    return { offset, path: inside, problem: `unexpected end of JSON input: ${what}` }
  }

  #recordPath(): string {
    return `${this.#key === "" ? "" : this.#key}[${this.#index}]`
  }

  #append(chunk: Buffer): void {
    // Keep the bytes from the oldest still-needed position: a pending batch, record, key or skipped value.
    let keep = this.#pos
    if (this.#batchStart >= 0) keep = Math.min(keep, this.#batchStart)
    if (this.#state === State.inRecord || this.#state === State.inKey || this.#state === State.skip) {
      keep = Math.min(keep, this.#tokenStart)
    }
    const rest = this.#length - keep
    const need = rest + chunk.length
    if (need > this.#buf.length) {
      // Fresh pages are costly to fault in: grow by doubling and reuse the buffer afterwards.
      const next = Buffer.allocUnsafe(Math.max(need, 2 * this.#buf.length))
      this.#buf.copy(next, 0, keep, this.#length)
      this.#buf = next
    } else if (keep > 0) this.#buf.copyWithin(0, keep, this.#length)
    chunk.copy(this.#buf, rest)
    this.#length = need
    this.#base += keep
    this.#pos -= keep
    this.#tokenStart -= keep
    this.#stringStart -= keep
    this.#holeStart -= keep
    if (this.#batchStart >= 0) {
      this.#batchStart -= keep
      this.#batchEnd -= keep
      for (let k = 0; k < this.#starts.length; k++) this.#starts[k] -= keep
      for (let k = 0; k < this.#holes.length; k++) this.#holes[k] -= keep
    }
  }

  #problem(at: number, problem: string, path = ""): SplitProblem {
    return { offset: this.#base + at, path, problem }
  }

  #scan(): SplitProblem | undefined {
    const b = this.#buf
    const n = this.#length
    let i = this.#pos
    while (i < n) {
      const state = this.#state
      if (state === State.inRecord || state === State.skip) {
        i =
          state === State.inRecord && this.#dropKey !== undefined
            ? this.#scanDropping(b, i, n)
            : this.#scanValue(b, i, n)
        if (i < 0) {
          i = -i - 1
          if (state === State.inRecord) {
            const problem = this.#endRecord(i)
            if (problem !== undefined) return problem
          } else {
            const problem = this.#endSkip(i)
            if (problem !== undefined) return problem
          }
        }
        continue
      }
      if (state === State.inKey) {
        i = this.#scanKey(b, i, n)
        if (i < 0) {
          i = -i - 1
          const problem = this.#endKey(i)
          if (problem !== undefined) return problem
        }
        continue
      }
      const c = b[i]
      if (isSpace(c)) {
        i++
        continue
      }
      switch (state) {
        case State.start: {
          const at = this.#base + i
          if ((at === 0 && c === 0xef) || (at === 1 && c === 0xbb) || (at === 2 && c === 0xbf)) {
            i++ // the UTF-8 byte order mark
            continue
          }
          if (c === OPEN_BRACE && this.#root === "object") this.#state = State.keyOrEnd
          else if (c === OPEN_BRACKET && this.#root === "array") this.#openArray("")
          else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
            const found = c === OPEN_BRACKET ? "an array" : "an object"
            return this.#problem(i, `expected a JSON ${this.#root} at the top level, found ${found}`)
          } else return this.#problem(i, `expected a JSON ${this.#root} at the top level, found ${show(c)}`)
          i++
          continue
        }
        case State.keyOrEnd:
        case State.key: {
          if (c === QUOTE) {
            this.#state = State.inKey
            this.#tokenStart = i
            this.#inString = true
            this.#escaped = false
            i++
          } else if (c === CLOSE_BRACE && state === State.keyOrEnd) {
            this.#state = State.end
            i++
          } else return this.#problem(i, `expected a double-quoted key, found ${show(c)}`, this.#key)
          continue
        }
        case State.colon: {
          if (c !== COLON) return this.#problem(i, `expected ':' after key "${this.#key}", found ${show(c)}`)
          this.#state = State.value
          i++
          continue
        }
        case State.value: {
          if (c === OPEN_BRACKET && this.#wanted.has(this.#key)) {
            this.#openArray(this.#key)
            i++
          } else this.#startValue(State.skip, c, i++)
          continue
        }
        case State.afterValue: {
          if (c === COMMA) this.#state = State.key
          else if (c === CLOSE_BRACE) this.#state = State.end
          else return this.#problem(i, `expected ',' or '}' after the value of "${this.#key}", found ${show(c)}`)
          i++
          continue
        }
        case State.recordOrEnd:
        case State.record: {
          if (c === CLOSE_BRACKET && state === State.recordOrEnd) {
            this.#state = this.#root === "array" && this.#key === "" ? State.end : State.afterValue
            i++
            continue
          }
          if (c === CLOSE_BRACKET || c === COMMA || c === CLOSE_BRACE || c === COLON) {
            return this.#flush() ?? this.#problem(i, `expected a record, found ${show(c)}`, this.#recordPath())
          }
          this.#startValue(State.inRecord, c, i)
          if (this.#batchStart < 0) {
            this.#batchStart = i
            this.#batchFirst = this.#index
          }
          this.#starts.push(i)
          i++
          continue
        }
        case State.afterRecord: {
          let problem: SplitProblem | undefined
          if (c === COMMA) {
            this.#state = State.record
            if (this.#batchEnd - this.#batchStart > MAX_BATCH_BYTES) problem = this.#flush()
          } else if (c === CLOSE_BRACKET) problem = this.#closeArray()
          else {
            const path = `${this.#key}[${this.#index - 1}]`
            // A fault inside the pending records comes first in the file: report it rather than this one.
            return this.#flush() ?? this.#problem(i, `expected ',' or ']' after a record, found ${show(c)}`, path)
          }
          if (problem !== undefined) return problem
          i++
          continue
        }
        case State.end:
          return this.#problem(i, `unexpected ${show(c)} after the end of the JSON ${this.#root}`)
      }
    }
    this.#pos = i
    return undefined
  }

  #startValue(state: number, c: number, at: number): void {
    this.#state = state
    this.#dropState = 0
    this.#tokenStart = at
    this.#depth = c === OPEN_BRACE || c === OPEN_BRACKET ? 1 : 0
    this.#inString = c === QUOTE
    this.#escaped = false
    this.#scalar = this.#depth === 0 && !this.#inString
  }

  /**
   * Advances over a value from `i`; returns the index to go on from, or `-(end + 1)` when the value ended just
   * before `end` (its last byte is at `end - 1`).
   */
  #scanValue(b: Buffer, i: number, n: number): number {
    let depth = this.#depth
    let inString = this.#inString
    let escaped = this.#escaped
    if (this.#scalar && !inString) {
      // A number or literal ends at the first delimiter; JSON.parse judges its spelling.
      for (; i < n; i++) {
        const c = b[i]
        if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isSpace(c)) return -(i + 1)
      }
      return n
    }
    for (; i < n; i++) {
      const c = b[i]
      if (inString) {
        if (escaped) escaped = false
        else if (c === BACKSLASH) escaped = true
        else if (c === QUOTE) {
          inString = false
          if (depth === 0) return -(i + 2)
        }
      } else if (c === QUOTE) inString = true
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return -(i + 2)
      }
    }
    this.#depth = depth
    this.#inString = inString
    this.#escaped = escaped
    return n
  }

  /** `#scanValue` for a record (object) whose `#dropKey` field's value is noted as a hole once it ends. */
  #scanDropping(b: Buffer, i: number, n: number): number {
    if (this.#scalar && !this.#inString) return this.#scanValue(b, i, n)
    const key = this.#dropKey!
    const keyLength = key.length
    let depth = this.#depth
    let inString = this.#inString
    let escaped = this.#escaped
    let stringStart = this.#stringStart
    let holeStart = this.#holeStart
    // 0: nothing, 1: read the key, expect ':', 2: expect the value, 3: inside the value being dropped.
    let drop = this.#dropState
    for (; i < n; i++) {
      const c = b[i]
      if (inString) {
        if (escaped) escaped = false
        else if (c === BACKSLASH) escaped = true
        else if (c === QUOTE) {
          inString = false
          if (depth === 0) return -(i + 2)
          if (depth === 1 && drop === 0 && i + 1 - stringStart === keyLength) {
            if (b.compare(key, 0, keyLength, stringStart, i + 1) === 0) drop = 1
          }
        }
        continue
      }
      if (drop === 1 || drop === 2) {
        if (isSpace(c)) continue
        if (drop === 1 && c === COLON) {
          drop = 2
          continue
        }
        if (drop === 2 && (c === OPEN_BRACKET || c === OPEN_BRACE)) {
          drop = 3
          holeStart = i
        } else drop = 0
      }
      if (c === QUOTE) {
        inString = true
        stringStart = i
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--
        if (drop === 3 && depth === 1) {
          this.#holes.push(holeStart, i + 1)
          drop = 0
        }
        if (depth === 0) {
          this.#dropState = 0
          return -(i + 2)
        }
      }
    }
    this.#depth = depth
    this.#inString = inString
    this.#escaped = escaped
    this.#stringStart = stringStart
    this.#holeStart = holeStart
    this.#dropState = drop
    return n
  }

  #scanKey(b: Buffer, i: number, n: number): number {
    let escaped = this.#escaped
    for (; i < n; i++) {
      const c = b[i]
      if (escaped) escaped = false
      else if (c === BACKSLASH) escaped = true
      else if (c === QUOTE) return -(i + 2)
    }
    this.#escaped = escaped
    return n
  }

  #endKey(end: number): SplitProblem | undefined {
    const text = this.#buf.toString("utf8", this.#tokenStart, end)
    let key: unknown
    try {
      key = JSON.parse(text)
    } catch (error) {
      return this.#problem(this.#tokenStart, `bad key ${text.slice(0, 40)}: ${jsonFault(text, error).problem}`)
    }
    this.#key = key as string
    if (this.#wanted.has(this.#key) && this.#seen.has(this.#key)) {
      return this.#problem(this.#tokenStart, `duplicate key "${this.#key}"`)
    }
    this.#seen.add(this.#key)
    this.#state = State.colon
    return undefined
  }

  #endSkip(end: number): SplitProblem | undefined {
    const text = this.#buf.toString("utf8", this.#tokenStart, end)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      const fault = jsonFault(text, error)
      const offset = this.#base + this.#tokenStart + Buffer.byteLength(text.slice(0, fault.at), "utf8")
      return { offset, path: this.#key, problem: fault.problem }
    }
    if (this.#wanted.has(this.#key)) this.#sink.notArray(this.#key, value)
    this.#state = this.#root === "array" && this.#key === "" ? State.end : State.afterValue
    return undefined
  }

  #endRecord(end: number): SplitProblem | undefined {
    this.#batchEnd = end
    this.#index++
    this.#state = State.afterRecord
    return undefined
  }

  #openArray(key: string): void {
    this.#sink.array(key)
    this.#key = key
    this.#dropKey = this.#dropFields.get(key)
    this.#dropState = 0
    this.#index = 0
    this.#state = State.recordOrEnd
  }

  #closeArray(): SplitProblem | undefined {
    this.#state = this.#root === "array" && this.#key === "" ? State.end : State.afterValue
    return this.#flush()
  }

  /** Parses and hands over the complete records collected so far. */
  #flush(): SplitProblem | undefined {
    if (this.#batchStart < 0 || this.#batchEnd <= this.#batchStart) return undefined
    const holes = this.#holes
    let cut = 0
    while (cut < holes.length && holes[cut] < this.#batchEnd) cut += 2
    const text = cut === 0 ? this.#buf.toString("utf8", this.#batchStart, this.#batchEnd) : this.#holed(cut)
    if (cut > 0) this.#holes = holes.slice(cut)
    let values: unknown[]
    try {
      values = JSON.parse(`[${text}]`)
    } catch (error) {
      if (cut === 0) return this.#locate(text, error)
      // Cutting balanced values out adds no fault: the whole text fails too, at true offsets.
      const whole = this.#buf.toString("utf8", this.#batchStart, this.#batchEnd)
      try {
        JSON.parse(`[${whole}]`)
      } catch (wholeError) {
        return this.#locate(whole, wholeError)
      }
      return this.#locate(whole, error)
    }
    const first = this.#batchFirst
    const starts = this.#starts
    // Records whose start lies past batchEnd belong to the next batch (a record in progress).
    const kept = starts.filter((s) => s >= this.#batchEnd)
    this.#starts = kept
    if (kept.length > 0) {
      this.#batchStart = kept[0]
      this.#batchFirst = first + values.length
    } else this.#batchStart = -1
    this.#batchEnd = -1
    this.#sink.batch({ key: this.#key, first, values })
    return undefined
  }

  /** The batch's text with its first `cut / 2` holes each replaced by `0`. */
  #holed(cut: number): string {
    const holes = this.#holes
    const size = this.#batchEnd - this.#batchStart
    if (this.#scratch.length < size) this.#scratch = Buffer.allocUnsafe(Math.max(size, 2 * this.#scratch.length))
    const out = this.#scratch
    const buf = this.#buf
    let at = 0
    let from = this.#batchStart
    for (let k = 0; k < cut; k += 2) {
      at += buf.copy(out, at, from, holes[k])
      out[at++] = 0x30
      from = holes[k + 1]
    }
    at += buf.copy(out, at, from, this.#batchEnd)
    return out.toString("utf8", 0, at)
  }

  /** Turns a failed batch parse into the byte offset and record of the fault. */
  #locate(text: string, error: unknown): SplitProblem {
    const starts = this.#starts
    let from = this.#batchStart
    let faulty = `[${text}]`
    let shift = 1
    if (!/at position \d+/.test(String(error))) {
      // Without a position, first find the record that fails alone, then the fault inside it.
      for (let k = 0; k < starts.length && starts[k] < this.#batchEnd; k++) {
        const to = k + 1 < starts.length && starts[k + 1] < this.#batchEnd ? starts[k + 1] : this.#batchEnd
        const one = this.#buf.toString("utf8", starts[k], to).replace(/\s*,\s*$/, "")
        try {
          JSON.parse(one)
        } catch (inner) {
          ;[from, faulty, shift, error] = [starts[k], one, 0, inner]
          break
        }
      }
    }
    const fault = jsonFault(faulty, error)
    const chars = faulty.slice(shift, Math.max(shift, fault.at))
    const offset = this.#base + from + Buffer.byteLength(chars, "utf8")
    let record = this.#batchFirst
    for (let k = 0; k < starts.length; k++) if (this.#base + starts[k] <= offset) record = this.#batchFirst + k
    return { offset, path: `${this.#key}[${record}]`, problem: fault.problem }
  }
}
