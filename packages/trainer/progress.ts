/**
 * Progress of a whole run: on a terminal a cli-progress bar (steps, loss, chips/s, time left of the run, not of
 * the epoch), with log lines printed above it; otherwise (not a terminal, or CI) a plain log line every `logEvery`
 * steps. Every line goes through Effect's Logger, so the log level applies.
 */
import { format } from "node:util"
import type { StepResult } from "@sniper/detector-model"
import cliProgress from "cli-progress"
import { Console, Effect } from "effect"

/** "auto" chooses the bar on a terminal outside CI. */
export type ProgressMode = "auto" | "bar" | "lines"

/** One optimizer step as the progress shows it. */
export interface StepReport {
  /** The stage's name in front of its lines ("rpn"), none for the detector. */
  readonly stage?: string | undefined
  /** Steps of the run done in all (every stage's), this one included. */
  readonly step: number
  /** 0-based epoch of the step. */
  readonly epoch: number
  readonly epochs: number
  /** Chips in the step's batch. */
  readonly chips: number
  readonly losses: StepResult
  readonly rate: number
}

export interface RunProgress {
  /** The run's steps in all, from the first epoch (re-estimated as each epoch's plan is drawn). */
  readonly setTotal: (steps: number) => void
  /** The run's steps done, without a step taken (a stage resumed from its checkpoint, or done before). */
  readonly moveTo: (step: number) => void
  readonly step: (report: StepReport) => Effect.Effect<void>
}

/** True where a bar can redraw itself: a terminal, and not a CI run (CI set to anything but "", "0" or "false"). */
export function barFits(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const ci = env.CI
  return stream.isTTY === true && (ci === undefined || ci === "" || ci === "0" || ci === "false")
}

/** Seconds as "1h02m", "3m05s" or "42s"; "?" before any estimate. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?"
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`
  return m > 0 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`
}

/**
 * Time left of the run: the steps left at the mean time per step of this session (`stepsDone` steps in
 * `seconds`); Infinity before the first step.
 */
export function runSecondsLeft(o: {
  readonly stepsDone: number
  readonly seconds: number
  readonly stepsLeft: number
}) {
  return o.stepsDone > 0 ? (Math.max(0, o.stepsLeft) * o.seconds) / o.stepsDone : Number.POSITIVE_INFINITY
}

/** The plain progress line of a step. */
export function progressLine(
  report: StepReport,
  o: { readonly total: number; readonly chipsPerSecond: number; readonly secondsLeft: number },
): string {
  const l = report.losses
  return `${report.stage === undefined ? "" : `${report.stage} `}epoch ${report.epoch + 1}/${report.epochs} step ${report.step}/${o.total} loss ${l.total.toFixed(3)} (rpn ${l.rpnClass.toFixed(3)}/${l.rpnBox.toFixed(3)}, rcnn ${l.roiClass.toFixed(3)}/${l.roiBox.toFixed(3)}) lr ${report.rate.toExponential(1)} ${o.chipsPerSecond.toFixed(2)} chips/s, run ends in ${formatDuration(o.secondsLeft)}`
}

/** Speed over this session: steps since the clock started, and chips since the last line. */
function sessionClock() {
  const started = performance.now()
  let steps = 0
  let window = { chips: 0, since: started }
  return {
    /** Counts a step; returns chips/s over the window and the run's time left at `total` steps. */
    tick(report: StepReport, total: number) {
      steps++
      window.chips += report.chips
      const now = performance.now()
      const chipsPerSecond = window.chips / Math.max(1e-9, (now - window.since) / 1000)
      const secondsLeft = runSecondsLeft({
        stepsDone: steps,
        seconds: (now - started) / 1000,
        stepsLeft: total - report.step,
      })
      return { chipsPerSecond, secondsLeft }
    },
    restartWindow() {
      window = { chips: 0, since: performance.now() }
    },
  }
}

/**
 * Runs `use` with the run's progress, from `startStep` (a resumed run) of `total` steps; the time left is the
 * steps left at this session's mean time per step. In bar mode the bar is drawn on `stream` (standard error by
 * default) and stopped however `use` ends; log lines written meanwhile through Effect's Console are printed
 * above it.
 */
export function withRunProgress<A, E, R>(
  options: {
    readonly mode: ProgressMode
    readonly total: number
    readonly startStep?: number | undefined
    readonly logEvery: number
    readonly stream?: NodeJS.WritableStream & { readonly isTTY?: boolean }
  },
  use: (progress: RunProgress) => Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R> {
  const stream = options.stream ?? process.stderr
  const bar = options.mode === "bar" || (options.mode === "auto" && barFits(stream, process.env))
  return Effect.suspend(() => {
    let total = options.total
    const clock = sessionClock()
    if (!bar) {
      return use({
        setTotal: (steps) => void (total = steps),
        moveTo: () => {},
        step: (report) =>
          Effect.suspend(() => {
            const speed = clock.tick(report, total)
            if (report.step % options.logEvery !== 0) return Effect.void
            clock.restartWindow()
            return Effect.logInfo(progressLine(report, { total, ...speed }))
          }),
      })
    }
    return Effect.acquireUseRelease(
      Effect.sync(() => {
        const multi = new cliProgress.MultiBar({
          stream,
          format:
            "run [{bar}] {percentage}% | step {value}/{total} | {stage}epoch {epoch} | loss {loss} | {speed} chips/s | {left} left",
          barsize: 24,
          fps: 5,
          hideCursor: false,
        })
        const line = multi.create(total, options.startStep ?? 0, {
          stage: "",
          epoch: "-",
          loss: "-",
          speed: "-",
          left: "?",
        })
        return { multi, line }
      }),
      ({ multi, line }) =>
        use({
          setTotal: (steps) => {
            total = steps
            line.setTotal(steps)
          },
          moveTo: (step) => line.update(step),
          step: (report) =>
            Effect.sync(() => {
              const speed = clock.tick(report, total)
              if (report.step % options.logEvery === 0) clock.restartWindow()
              line.update(report.step, {
                stage: report.stage === undefined ? "" : `${report.stage} `,
                epoch: `${report.epoch + 1}/${report.epochs}`,
                loss: report.losses.total.toFixed(3),
                speed: speed.chipsPerSecond.toFixed(2),
                left: formatDuration(speed.secondsLeft),
              })
            }),
        }).pipe(Effect.provideService(Console.Console, consoleAbove(multi))),
      ({ multi }) => Effect.sync(() => multi.stop()),
    )
  })
}

/** A Console whose every line is printed above the bars, which are then redrawn. */
function consoleAbove(multi: cliProgress.MultiBar): Console.Console {
  const print = (...args: ReadonlyArray<unknown>) => {
    multi.log(`${format(...args)}\n`)
    multi.update()
  }
  return Object.assign(Object.create(globalThis.console) as Console.Console, {
    log: print,
    info: print,
    warn: print,
    error: print,
    debug: print,
    trace: print,
  })
}
