/** Test-only: Effect Logger layers that keep the trainer's log lines (and levels) instead of printing them. */
import { Layer, Logger, References } from "effect"

export interface LogLine {
  readonly level: string
  readonly message: string
  readonly annotations: Readonly<Record<string, unknown>>
}

/** A logger layer that keeps every line at Debug and above in `lines`, printing nothing. */
export function captureLogs(): { readonly lines: Array<LogLine>; readonly layer: Layer.Layer<never> } {
  const lines: Array<LogLine> = []
  const logger = Logger.make(({ logLevel, message, fiber }) => {
    const parts = Array.isArray(message) ? message : [message]
    lines.push({
      level: logLevel,
      message: parts.map(String).join(" "),
      annotations: { ...fiber.getRef(References.CurrentLogAnnotations) },
    })
  })
  return {
    lines,
    layer: Layer.merge(Logger.layer([logger]), Layer.succeed(References.MinimumLogLevel, "Debug")),
  }
}

/** The messages of `lines` at `level`. */
export function messages(lines: ReadonlyArray<LogLine>, level = "Info"): Array<string> {
  return lines.filter((l) => l.level === level).map((l) => l.message)
}

/** No log output at all. */
export const silentLogs: Layer.Layer<never> = Logger.layer([])
