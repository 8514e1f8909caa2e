/**
 * A stage's step log (the detector's `log.jsonl`, the RPN stage's `rpn_log.jsonl`): one JSON record per optimizer
 * step, appended as training goes. A kill leaves records past the last checkpoint (and maybe half a line); `cutLog`
 * brings the file back to the checkpoint on resume, so that the resumed steps are not logged twice.
 */
import { existsSync } from "node:fs"
import { appendFile, readFile } from "node:fs/promises"
import { basename, join } from "node:path"
import type { StepResult } from "@sniper/detector-model"
import { Effect } from "effect"
import { RunFileError } from "./errors.ts"
import { writeFileAtomic } from "./run_dir.ts"

/**
 * One step's record: the step it ends (1-based), its epoch (1-based), the learning rate used, the losses and the
 * target counts.
 */
export interface LogRecord extends StepResult {
  readonly step: number
  readonly epoch: number
  readonly lr: number
}

const numberFields = ["step", "epoch", "lr", "total", "rpnClass", "rpnBox", "roiClass", "roiBox"] as const

/** The run folder's log of the detector stage. */
export function logPath(runDir: string): string {
  return join(runDir, "log.jsonl")
}

/** Appends one record to the log at `path`. */
export function appendLog(path: string, record: LogRecord) {
  return Effect.tryPromise({
    try: () => appendFile(path, `${JSON.stringify(record)}\n`),
    catch: (cause) => new RunFileError({ path, problem: cause instanceof Error ? cause.message : String(cause) }),
  })
}

/** A line's record, or undefined for a half-written or foreign line. */
function parseRecord(line: string): LogRecord | undefined {
  try {
    const r = JSON.parse(line) as Record<string, unknown>
    return numberFields.every((k) => typeof r[k] === "number") ? (r as unknown as LogRecord) : undefined
  } catch {
    return undefined
  }
}

/**
 * The records of a log's text up to and including `step`, one per step (the first written), in step order.
 * Lines that are no complete record (a kill in mid-append) are dropped.
 */
export function recordsUpTo(text: string, step: number): Array<LogRecord> {
  const byStep = new Map<number, LogRecord>()
  for (const line of text.split("\n")) {
    const r = parseRecord(line)
    if (r !== undefined && r.step <= step && !byStep.has(r.step)) byStep.set(r.step, r)
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step)
}

function readLog(path: string) {
  return Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (cause) => new RunFileError({ path, problem: cause instanceof Error ? cause.message : String(cause) }),
  })
}

/** The last step the log at `path` records (the steps of a finished stage); 0 when there is no log. */
export const loggedSteps = Effect.fn("loggedSteps")(function* (path: string) {
  if (!existsSync(path)) return 0
  return recordsUpTo(yield* readLog(path), Number.POSITIVE_INFINITY).at(-1)?.step ?? 0
})

/**
 * Cuts the log at `path` back to the records up to `step` (the checkpoint's; 0 without one), rewriting it
 * atomically when anything goes, and returns the records kept.
 */
export const cutLog = Effect.fn("cutLog")(function* (path: string, step: number) {
  if (!existsSync(path)) return []
  const text = yield* readLog(path)
  const kept = recordsUpTo(text, step)
  const cut = kept.map((r) => `${JSON.stringify(r)}\n`).join("")
  if (cut !== text) {
    yield* writeFileAtomic(path, cut)
    const dropped = text.split("\n").filter((l) => l.trim() !== "").length - kept.length
    yield* Effect.logInfo(`${basename(path)}: dropped ${dropped} records past the checkpoint's step ${step}`)
  }
  return kept
})
