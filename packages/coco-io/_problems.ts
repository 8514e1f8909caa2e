import type { SplitProblem } from "./_record_splitter.ts"
import { CocoJsonError, type CocoProblem, CocoProblems, CocoRecordError } from "./errors.ts"
import type { FieldProblem } from "./records.ts"

/** Collects the problems of one file: stops at the first, or keeps up to `limit` of them and counts the rest. */
export class Problems {
  readonly file: string
  readonly all: boolean
  readonly limit: number
  readonly list: CocoProblem[] = []
  total = 0

  constructor(file: string, all: boolean, limit: number) {
    this.file = file
    this.all = all
    this.limit = limit
  }

  /** True once the caller should stop reading (first problem found and not collecting them all). */
  get stop(): boolean {
    return this.total > 0 && !this.all
  }

  add(problem: CocoProblem): void {
    this.total++
    if (this.list.length < this.limit) this.list.push(problem)
  }

  record(array: string, index: number, id: number | null, fields: ReadonlyArray<FieldProblem>): void {
    for (const { field, problem } of fields) {
      this.add(new CocoRecordError({ file: this.file, array, index, id, field, problem }))
      if (!this.all) return
    }
  }

  json(split: SplitProblem): void {
    this.add(new CocoJsonError({ file: this.file, offset: split.offset, path: split.path, problem: split.problem }))
  }

  /**
   * The failure to report: the first problem, or all of them in file order, given the order in which the file's
   * top-level arrays came (JSON problems stop the reading, so they come last).
   */
  failure(arrays: ReadonlyArray<string> = []): CocoProblem | CocoProblems {
    if (!this.all) return this.list[0]
    const rank = (p: CocoProblem) => (p._tag === "CocoRecordError" ? arrays.indexOf(p.array) : arrays.length)
    const index = (p: CocoProblem) => (p._tag === "CocoRecordError" ? p.index : 0)
    const problems = this.list.toSorted((a, b) => rank(a) - rank(b) || index(a) - index(b))
    return new CocoProblems({ file: this.file, problems, total: this.total })
  }
}

/** The `id` of a record, when it has a numeric one. */
export function idOf(value: unknown, key = "id"): number | null {
  if (value === null || typeof value !== "object") return null
  const id = (value as Record<string, unknown>)[key]
  return typeof id === "number" ? id : null
}
