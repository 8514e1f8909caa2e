import { assert, describe, it } from "@effect/vitest"
import { runCli } from "./run_cli.ts"

describe("sniper", () => {
  it("lists every subcommand in --help", () => {
    const { status, stdout } = runCli(["--help"])
    assert.strictEqual(status, 0)
    for (const name of ["train", "backend", "synth", "dataset", "chips", "eval", "proposals"])
      assert.include(stdout, name)
  })
  it("exits non-zero on an unknown flag", () => {
    const { status, stderr } = runCli(["backend", "--no-such-flag"])
    assert.notStrictEqual(status, 0)
    assert.include(stderr, "--no-such-flag")
  })
})
