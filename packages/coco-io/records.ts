/** Schemas of the records of COCO instance and result files; extra keys (segmentation, urls...) are ignored. */
import { Result, Schema, SchemaIssue } from "effect"
import { SchemaJITCompiler } from "effect/schema"

const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
/** Kept in Int32Array columns. */
const Int32 = Schema.Int.check(Schema.isBetween({ minimum: -(2 ** 31), maximum: 2 ** 31 - 1 }))
const PositiveInt = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 2 ** 31 - 1 }))

/** Longest `file_name` accepted, in characters (PATH_MAX). */
export const MAX_FILE_NAME = 4096

/** An image record; `id` may be any finite number, COCO's are integers below 2^53. */
export const ImageRecord = Schema.Struct({
  id: Schema.Finite,
  width: PositiveInt,
  height: PositiveInt,
  file_name: Schema.String.check(Schema.isNonEmpty(), Schema.isMaxLength(MAX_FILE_NAME)),
})
export type ImageRecord = typeof ImageRecord.Type

export const CategoryRecord = Schema.Struct({
  id: Int32,
  name: Schema.String,
})
export type CategoryRecord = typeof CategoryRecord.Type

/** `bbox` is [x, y, width, height] in pixels of the stored image, with a non-negative width and height. */
const Bbox = Schema.Tuple([Schema.Finite, Schema.Finite, NonNegative, NonNegative])

/** An instance annotation; `area` (mask area) defaults to the box area, `iscrowd` to 0. */
export const AnnotationRecord = Schema.Struct({
  id: Schema.Finite,
  image_id: Schema.Finite,
  category_id: Int32,
  bbox: Bbox,
  area: Schema.optionalKey(NonNegative),
  iscrowd: Schema.optionalKey(Schema.Literals([0, 1])),
})
export type AnnotationRecord = typeof AnnotationRecord.Type

/** One detection of a COCO results file. */
export const ResultRecord = Schema.Struct({
  image_id: Schema.Finite,
  category_id: Int32,
  bbox: Bbox,
  score: Schema.Finite,
})
export type ResultRecord = typeof ResultRecord.Type

for (const schema of [ImageRecord, CategoryRecord, AnnotationRecord, ResultRecord]) SchemaJITCompiler.enable(schema.ast)

/** A fault of one record: the field path (`bbox[2]`, "" for the record itself) and what is wrong. */
export interface FieldProblem {
  readonly field: string
  readonly problem: string
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ""
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`
    else out += out === "" ? String(key) : `.${String(key)}`
  }
  return out
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let at = value
  for (const key of path)
    at = at !== null && typeof at === "object" ? (at as Record<PropertyKey, unknown>)[key] : undefined
  return at
}

function describe(value: unknown): string {
  // JSON.stringify writes Infinity (a number too large for a double, such as 1e999) as null
  const text =
    typeof value === "number" && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value))
  return text.length > 40 ? `${text.slice(0, 40)}... (${text.length} characters)` : text
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** Fast check, then (only for a bad record) the faults with their field paths. */
export function recordChecker<S extends Schema.Top & { readonly DecodingServices: never }>(schema: S) {
  const is = Schema.is(schema)
  const decodeFirst = Schema.decodeUnknownResult(schema as never, { errors: "first" })
  const decodeAll = Schema.decodeUnknownResult(schema as never, { errors: "all" })
  return {
    is: is as (value: unknown) => value is S["Type"],
    problems(value: unknown, all: boolean): ReadonlyArray<FieldProblem> {
      const result = (all ? decodeAll : decodeFirst)(value)
      if (Result.isSuccess(result)) return []
      const issues = formatter((result.failure as Schema.SchemaError).issue).issues
      return issues.map((issue) => {
        const path = (issue.path ?? []).map((segment) => (typeof segment === "object" ? segment.key : segment))
        if (issue.message === "Missing key") return { field: fieldPath(path), problem: "is missing" }
        const got = describe(valueAt(value, path))
        return { field: fieldPath(path), problem: `${issue.message.replace(/^Expected/, "expected")}, got ${got}` }
      })
    },
  }
}
