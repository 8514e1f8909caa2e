import type { SchemaAST, SchemaIssue } from "effect"
import { closest, distance } from "fastest-levenshtein"

/** A key of the input that no schema field declares, with the names declared where it stands. */
export interface UnknownField {
  /** Dotted path with array indices, e.g. `chips.scales[0].factr`. */
  readonly path: string
  readonly key: string
  readonly known: ReadonlyArray<string>
}

function keysOf(ast: SchemaAST.AST): Array<string> {
  if (ast._tag === "Objects") return ast.propertySignatures.map((p) => String(p.name))
  if (ast._tag === "Union") return [...new Set(ast.types.flatMap(keysOf))]
  return []
}

interface Found {
  readonly path: ReadonlyArray<PropertyKey>
  readonly known: ReadonlyArray<string>
}

function find(issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey>): Found | undefined {
  switch (issue._tag) {
    case "Pointer":
      return find(issue.issue, [...path, ...issue.path])
    case "Filter":
    case "Encoding":
      return find(issue.issue, path)
    case "Composite":
      for (const inner of issue.issues) {
        const found = find(inner, path)
        if (found !== undefined) return found
      }
      return undefined
    case "AnyOf": {
      // Each member of a union of objects refuses the other members' keys: only a key no member declares counts.
      const declared = keysOf(issue.ast)
      for (const inner of issue.issues) {
        const found = find(inner, path)
        if (found === undefined) continue
        const direct = found.path.length === path.length + 1
        if (!direct) return found
        if (!declared.includes(String(found.path.at(-1)))) return { path: found.path, known: declared }
      }
      return undefined
    }
    case "UnexpectedKey":
      return { path, known: keysOf(issue.ast) }
    default:
      return undefined
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("")
}

/** The first unknown field in a decoding issue made with `onExcessProperty: "error"`, if that is what failed. */
export function unknownField(issue: SchemaIssue.Issue): UnknownField | undefined {
  const found = find(issue, [])
  if (found === undefined || found.path.length === 0) return undefined
  return { path: formatPath(found.path), key: String(found.path.at(-1)), known: found.known }
}

/** "did you mean" with the nearest known name when it is close (a typo), else the list of known names. */
export function suggestField(key: string, known: ReadonlyArray<string>): string {
  if (known.length === 0) return "no field is expected here"
  const nearest = closest(key, known)
  return distance(key, nearest) <= Math.max(2, Math.floor(key.length / 3))
    ? `did you mean "${nearest}"?`
    : `the fields here are ${known.join(", ")}`
}
