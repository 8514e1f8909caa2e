import { existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { deadPid, killChild, startChild } from "./mod.ts"

const dir = mkdtempSync(join(tmpdir(), "testing-child-"))
/** A script file in the temporary folder, run by `startChild`. */
function script(name: string, source: string): string {
  const path = join(dir, name)
  writeFileSync(path, source)
  return path
}
// prints its arguments one a line, then stays alive until killed
const printer = script(
  "print.mjs",
  "for (const a of process.argv.slice(2)) console.log(a)\nsetInterval(() => {}, 1000)\n",
)

describe("startChild() and killChild()", () => {
  it("resolves once the child printed the lines asked for, while it still runs; SIGKILL ends it", async () => {
    const child = await startChild(printer, ["one", "two"], { lines: 2 })
    assert.isNull(child.exitCode)
    assert.isNull(child.signalCode)
    await killChild(child)
    assert.strictEqual(child.signalCode, "SIGKILL")
    // a second kill of a reaped child returns at once
    await killChild(child)
  })

  it("resolves once ready() holds, e.g. when the child has written a file", async () => {
    const marker = join(dir, "ready")
    const writer = script(
      "write.mjs",
      `import { writeFileSync } from "node:fs"
setTimeout(() => writeFileSync(${JSON.stringify(marker)}, "x"), 50)
setInterval(() => {}, 1000)
`,
    )
    const child = await startChild(writer, [], { ready: () => existsSync(marker) })
    assert.isTrue(existsSync(marker))
    assert.isNull(child.exitCode)
    await killChild(child)
  })

  it("rejects naming the arguments and code when the child exits before it is ready", async () => {
    const quitter = script("quit.mjs", "process.exit(3)\n")
    const error = await startChild(quitter, ["--a", "b"], { lines: 1 }).then(
      () => undefined,
      (e: Error) => e,
    )
    assert.strictEqual(error?.message, "child --a b exited early with code 3")
  })
})

describe("deadPid()", () => {
  it("is the id of a process that no longer exists", () => {
    const pid = deadPid()
    assert.isTrue(Number.isInteger(pid) && pid > 0 && pid !== process.pid, String(pid))
    assert.throws(() => process.kill(pid, 0), /ESRCH/)
  })
})
