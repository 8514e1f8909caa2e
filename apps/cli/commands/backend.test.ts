import { assert, describe, it } from "@effect/vitest"
import { runCli } from "../run_cli.ts"

describe("sniper backend", () => {
  it("reports the backend SNIPER_BACKEND forces, as JSON and as the same figures in text", () => {
    const env = { SNIPER_BACKEND: "cpu" }
    const json = runCli(["backend", "--json"], { env })
    assert.strictEqual(json.status, 0, json.stderr)
    const info = JSON.parse(json.stdout)
    assert.deepInclude(info, { backend: "cpu", package: "@tensorflow/tfjs-backend-cpu", threads: 1, skipped: [] })
    assert.match(info.version, /^\d+\.\d+\.\d+/)
    const text = runCli(["backend"], { env })
    assert.strictEqual(text.status, 0)
    assert.deepStrictEqual(text.stdout.trim().split("\n"), [
      "backend: cpu",
      `package: @tensorflow/tfjs-backend-cpu ${info.version}`,
      "threads: 1",
    ])
  })

  it("says why a faster backend was skipped when it chooses itself", () => {
    const { status, stdout } = runCli(["backend", "--json"], { env: { SNIPER_BACKEND: "auto" } })
    assert.strictEqual(status, 0)
    const info = JSON.parse(stdout) as { backend: string; skipped: Array<{ package: string; reason: string }> }
    assert.include(["tensorflow", "wasm", "cpu"], info.backend)
    // auto tries tfjs-node first: unless it runs on it, each backend tried before has a reason
    if (info.backend !== "tensorflow") assert.isAbove(info.skipped.length, 0)
    for (const s of info.skipped) assert.isAbove(s.reason.length, 0, s.package)
  })

  it("fails with one line naming the variable for an unknown backend", () => {
    const { status, stdout, stderr } = runCli(["backend"], { env: { SNIPER_BACKEND: "gpu" } })
    assert.strictEqual(status, 1)
    assert.strictEqual(stdout, "")
    assert.strictEqual(
      stderr.trim(),
      'sniper: Cannot choose a tensor backend: SNIPER_BACKEND is "gpu"; use one of auto, tensorflow, wasm, cpu',
    )
  })
})
