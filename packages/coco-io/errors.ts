import { Schema } from "effect"

/** The file could not be opened, read or written. */
export class CocoReadError extends Schema.TaggedError<CocoReadError>()("CocoReadError", {
  file: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot read "${this.file}": ${this.problem}; check the path and its permissions`
  }
}

/** A results file could not be written (nothing is left at its path). */
export class CocoWriteError extends Schema.TaggedError<CocoWriteError>()("CocoWriteError", {
  file: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot write "${this.file}": ${this.problem}; check the folder exists, is writable and has space`
  }
}

/** The bytes are not JSON, or not the JSON shape expected at the top level; `offset` is a byte offset. */
export class CocoJsonError extends Schema.TaggedError<CocoJsonError>()("CocoJsonError", {
  file: Schema.String,
  offset: Schema.Number,
  /** Where it happened, e.g. `annotations[12]`, or "" outside any record. */
  path: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    const where = this.path === "" ? "" : ` (in ${this.path})`
    return `Cannot parse "${this.file}" at byte ${this.offset}${where}: ${this.problem}`
  }
}

/** A record that parses as JSON but is not a valid COCO record: names the array, index, id and field path. */
export class CocoRecordError extends Schema.TaggedError<CocoRecordError>()("CocoRecordError", {
  file: Schema.String,
  /** The top-level array: "images", "annotations", "categories", or "results" for a results file. */
  array: Schema.String,
  /** The record's index in that array, -1 when the whole array is at fault. */
  index: Schema.Number,
  /** The record's `id` (or `image_id` for a result), null when it has none. */
  id: Schema.NullOr(Schema.Number),
  /** Field path inside the record, e.g. `bbox[2]`, "" for the record itself. */
  field: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    const at = this.index < 0 ? this.array : `${this.array}[${this.index}]`
    const id = this.id === null ? "" : ` (id ${this.id})`
    const field = this.field === "" ? "" : ` field ${this.field}`
    return `Cannot load "${this.file}": ${at}${id}${field} ${this.problem}`
  }
}

/** One problem of a file. */
export type CocoProblem = CocoJsonError | CocoRecordError

/** Every problem found in a file, when the caller asked for all of them rather than the first. */
export class CocoProblems extends Schema.TaggedError<CocoProblems>()("CocoProblems", {
  file: Schema.String,
  problems: Schema.Array(Schema.Union([CocoJsonError, CocoRecordError])),
  /** Problems found; may exceed `problems.length` when the report was capped. */
  total: Schema.Number,
}) {
  override get message() {
    const first = this.problems[0]?.message ?? "no details"
    return this.total > 1 ? `${this.total} problems in "${this.file}"; the first: ${first}` : first
  }
}

/** Any failure of loading an annotation or results file. */
export type CocoError = CocoReadError | CocoJsonError | CocoRecordError | CocoProblems
