import { assert, describe, it } from "@effect/vitest"
import { invocationDir } from "./invocation_dir.ts"

describe("invocationDir()", () => {
  it("is where npm or turbo was started, for the experiment script only", () => {
    const cwd = "/repo/apps/experiments"
    assert.strictEqual(invocationDir({}, cwd), cwd)
    assert.strictEqual(invocationDir({ npm_lifecycle_event: "test", INIT_CWD: "/home" }, cwd), cwd)
    assert.strictEqual(invocationDir({ npm_lifecycle_event: "experiment", INIT_CWD: "/home" }, cwd), "/home")
    assert.strictEqual(
      invocationDir({ npm_lifecycle_event: "experiment", INIT_CWD: cwd, TURBO_INVOCATION_DIR: "/repo" }, cwd),
      "/repo",
    )
  })
})
