import { assert, describe, it } from "@effect/vitest"
import { invocationDir } from "./invocation_dir.ts"

describe("invocationDir()", () => {
  it("is where npm or turbo was started, for this package's train and sniper scripts only", () => {
    assert.strictEqual(invocationDir({ npm_lifecycle_event: "train", INIT_CWD: "/home/u/repo" }), "/home/u/repo")
    assert.strictEqual(invocationDir({ npm_lifecycle_event: "sniper", INIT_CWD: "/x" }), "/x")
    // turbo starts npm inside apps/cli, which then sets INIT_CWD to apps/cli.
    assert.strictEqual(
      invocationDir({ npm_lifecycle_event: "train", INIT_CWD: "/repo/apps/cli", TURBO_INVOCATION_DIR: "/repo" }),
      "/repo",
    )
    // A sniper started by a test or another script keeps its own working folder.
    assert.isUndefined(invocationDir({ npm_lifecycle_event: "test", INIT_CWD: "/repo/apps/cli" }))
    assert.isUndefined(invocationDir({}))
  })
})
