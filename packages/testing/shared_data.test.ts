import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
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
})
