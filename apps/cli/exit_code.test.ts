import { assert, describe, it } from "@effect/vitest"
import { Cause } from "effect"
import { CliError } from "effect/cli"
import { UsageError } from "./commands/_usage.ts"
import { ExitCode, exitOf } from "./exit_code.ts"

describe("exitOf()", () => {
  it("is 130 without a line for an interruption, whatever fiber interrupted", () => {
    assert.deepStrictEqual(exitOf(Cause.interrupt()), { code: 130, line: undefined })
    assert.deepStrictEqual(exitOf(Cause.interrupt(7)), { code: ExitCode.interrupted, line: undefined })
  })

  it("prints a failure's message alone after `sniper:`, with exit 1", () => {
    assert.deepStrictEqual(exitOf(Cause.fail(new Error('Cannot read "a.json": no such file'))), {
      code: 1,
      line: 'sniper: Cannot read "a.json": no such file',
    })
    // a failure that is no Error at all still gets one line
    assert.deepStrictEqual(exitOf(Cause.fail("disk full")), { code: 1, line: "sniper: disk full" })
  })

  it("takes a failure's own exit code: a UsageError is 2, with its message naming the flag", () => {
    const error = new UsageError({ action: "train", flag: "epochs", problem: "must be at least 1, got 0" })
    assert.strictEqual(error.message, "Cannot train: --epochs must be at least 1, got 0")
    assert.deepStrictEqual(exitOf(Cause.fail(error)), {
      code: ExitCode.usage,
      line: "sniper: Cannot train: --epochs must be at least 1, got 0",
    })
  })

  it("keeps a defect's stack: exit 1 with the pretty cause", () => {
    const { code, line } = exitOf(Cause.die(new TypeError("x is undefined")))
    assert.strictEqual(code, 1)
    assert.include(line, "TypeError: x is undefined")
    assert.include(line, "exit_code.test.ts")
  })

  it("leaves effect/cli's errors to it: bare help is 0, help with errors or a bad subcommand is 2", () => {
    const helpOnly = new CliError.ShowHelp({ commandPath: ["sniper"], errors: [] })
    assert.deepStrictEqual(exitOf(Cause.fail(helpOnly)), { code: ExitCode.done, line: undefined })
    const unknown = new CliError.UnknownSubcommand({ subcommand: "nosuch", suggestions: [] })
    const helpWithErrors = new CliError.ShowHelp({ commandPath: ["sniper"], errors: [unknown] })
    assert.deepStrictEqual(exitOf(Cause.fail(helpWithErrors)), { code: ExitCode.usage, line: undefined })
    assert.deepStrictEqual(exitOf(Cause.fail(unknown)), { code: ExitCode.usage, line: undefined })
  })

  it("reports the failure when a cause holds a failure and an interruption", () => {
    const cause = Cause.combine(Cause.interrupt(), Cause.fail(new Error("boom")))
    assert.deepStrictEqual(exitOf(cause), { code: 1, line: "sniper: boom" })
  })
})
