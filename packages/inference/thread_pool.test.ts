import { assert, describe, it } from "@effect/vitest"
import { describeCause } from "./thread_pool.ts"

describe("describeCause()", () => {
  it("describeCause() keeps an error's first line and names both ways of running out of heap", () => {
    assert.strictEqual(describeCause(new RangeError("bad shape\n    at x.ts:1")), "RangeError: bad shape")
    assert.strictEqual(describeCause("plain"), "plain")
    const heap = Object.assign(new Error("Worker terminated due to reaching memory limit: JS heap out of memory"), {
      code: "ERR_WORKER_OUT_OF_MEMORY",
    })
    assert.match(describeCause(heap), /^out of memory \(JS heap\): Error: Worker terminated/)
    const { RuntimeError } = Reflect.get(globalThis, "WebAssembly") as { RuntimeError: ErrorConstructor }
    const abort = new RuntimeError("Aborted(). Build with -sASSERTIONS")
    assert.match(
      describeCause(abort),
      /^out of memory \(the wasm engine aborted.*Aborted\(\)\. Build with -sASSERTIONS$/,
    )
    assert.match(describeCause(abort, "use fewer scales"), /Aborted\(\)\. Build with -sASSERTIONS; use fewer scales$/)
    assert.strictEqual(describeCause(new RuntimeError("unreachable")), "RuntimeError: unreachable")
  })
})
