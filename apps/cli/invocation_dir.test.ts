import { assert, describe, it } from "@effect/vitest"
import { invocationDir } from "./invocation_dir.ts"

describe("invocationDir()", () => {
  it("is where npm or turbo was started, for this package's train and sniper scripts only", () => {
    const root = "/home/u/repo"
    assert.strictEqual(invocationDir({ npm_lifecycle_event: "train", INIT_CWD: "/home/u/data" }, root), "/home/u/data")
    assert.strictEqual(invocationDir({ npm_lifecycle_event: "sniper", INIT_CWD: "/x" }, root), "/x")
    // turbo starts npm inside apps/cli, which then sets INIT_CWD to apps/cli.
    const cli = `${root}/apps/cli`
    const turbo = { npm_lifecycle_event: "train", INIT_CWD: cli, TURBO_INVOCATION_DIR: "/home/u" }
    assert.strictEqual(invocationDir(turbo, cli), "/home/u")
    // npm run by hand from a folder, inside a turbo task that left its variable behind: npm's folder wins.
    assert.strictEqual(invocationDir({ ...turbo, INIT_CWD: "/tmp/t" }, root), "/tmp/t")
    // A sniper started by a test or another script keeps its own working folder.
    assert.isUndefined(invocationDir({ npm_lifecycle_event: "test", INIT_CWD: cli }, cli))
    assert.isUndefined(invocationDir({}, root))
  })
})
