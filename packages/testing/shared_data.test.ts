import { existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, assert, describe, it } from "@effect/vitest"
import { sharedData, sharedDataOrSkip } from "./mod.ts"

describe("sharedData()", () => {
  const saved = process.env.SNIPER_SHARED_DATA
  afterEach(() => {
    if (saved === undefined) delete process.env.SNIPER_SHARED_DATA
    else process.env.SNIPER_SHARED_DATA = saved
  })
  it("resolves a file under SNIPER_SHARED_DATA and undefined for a missing one", () => {
    const dir = mkdtempSync(join(tmpdir(), "shared-"))
    writeFileSync(join(dir, "a.json"), "{}")
    process.env.SNIPER_SHARED_DATA = dir
    assert.strictEqual(sharedData("a.json"), join(dir, "a.json"))
    assert.isUndefined(sharedData("missing.json"))
    assert.isUndefined(sharedDataOrSkip("missing.json", "this test"))
  })

  it("looks in shared/data beside the repository, and says why a test skips", () => {
    delete process.env.SNIPER_SHARED_DATA
    const repository = resolve(fileURLToPath(import.meta.url), "../../..")
    const expected = join(repository, "..", "shared", "data")
    assert.strictEqual(sharedData(), existsSync(expected) ? expected : undefined)
    const warnings: Array<string> = []
    const warn = console.warn
    console.warn = (line: string) => warnings.push(line)
    try {
      sharedDataOrSkip("no/such/file.json", "my test")
    } finally {
      console.warn = warn
    }
    assert.deepStrictEqual(warnings, [
      "[skip] my test: no/such/file.json is absent from the real-data folder (set SNIPER_SHARED_DATA)",
    ])
  })
})
