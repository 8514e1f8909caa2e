import { assert, describe, it } from "@effect/vitest"
import { runCli } from "./run_cli.ts"

describe("sniper", () => {
  it("lists every subcommand in --help, and exits 0", () => {
    const { status, stdout } = runCli(["--help"])
    assert.strictEqual(status, 0)
    for (const name of ["train", "backend", "synth", "dataset", "chips", "eval", "proposals"])
      assert.include(stdout, name)
  })

  it("exits 2 on a usage error: unknown subcommand, unknown flag, bad flag value", () => {
    const unknown = runCli(["nosuch"])
    assert.strictEqual(unknown.status, 2)
    assert.include(unknown.stderr, 'Unknown subcommand "nosuch"')
    const flag = runCli(["backend", "--no-such-flag"])
    assert.strictEqual(flag.status, 2)
    assert.include(flag.stderr, "--no-such-flag")
    const value = runCli(["train", "--epochs", "many"])
    assert.strictEqual(value.status, 2)
    assert.include(value.stderr, "--epochs")
  })

  it("checks proposals' --max-per-image before reading the run folder", () => {
    const { status, stderr } = runCli(["proposals", "--run-dir", "/nonexistent-run", "--max-per-image", "-1"])
    assert.strictEqual(status, 2)
    assert.strictEqual(stderr.trim(), "sniper: Cannot compute proposals: --max-per-image must be at least 1, got -1")
  })

  it("documents every train flag in train --help", () => {
    const { status, stdout } = runCli(["train", "--help"])
    assert.strictEqual(status, 0)
    for (const flag of [
      "--preset",
      "--config",
      "--run-dir",
      "--data-dir",
      "--train-annotations",
      "--train-images",
      "--val-annotations",
      "--val-images",
      "--init",
      "--epochs",
      "--max-steps",
      "--skip-eval",
      "--json",
      "--log-level",
    ]) {
      const line = stdout.split("\n").find((l) => l.trimStart().startsWith(flag))
      assert.isDefined(line, flag)
      assert.isAbove(line!.trim().length, flag.length + 20, `${flag} has a description`)
    }
    assert.include(stdout, "numClasses comes from the training data")
  })
})
