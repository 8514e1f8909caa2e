/**
 * Test-only: a step worker entry that fails on purpose at one pass (`atPass`) of the first step, in the way
 * `fault` names, so that tests see what the pool makes of each kind of failure.
 */
import { parentPort, workerData } from "node:worker_threads"
import type { ThreadJob } from "@sniper/inference"
import type { PassJob, StepWorkerData } from "./_step_protocol.ts"
import { serveSteps } from "./step_worker.ts"

/** The failures this entry can make. */
export type Fault = "throw" | "exit" | "uncaught" | "engine-abort" | "heap" | "stall" | "start"

const data = workerData as StepWorkerData & { readonly fault: Fault; readonly atPass: number }

/** Grows the JS heap until the thread's resource limit ends it. */
function exhaustHeap(): never {
  const hoard: Array<Array<number>> = []
  for (;;) hoard.push(Array.from({ length: 1 << 16 }, (_, i) => i + hoard.length))
}

function fail(fault: Fault): void {
  switch (fault) {
    case "throw":
      throw new Error("injected failure")
    case "exit":
      process.exit(3)
      break
    case "engine-abort": {
      // What the wasm engine throws when its heap cannot grow (the real one needs 4 GB of memory to show).
      const { RuntimeError } = Reflect.get(globalThis, "WebAssembly") as { RuntimeError: ErrorConstructor }
      throw new RuntimeError("Aborted(). Build with -sASSERTIONS for more info.")
    }
    case "heap":
      exhaustHeap()
      break
    case "stall":
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000)
      break
    case "uncaught":
    case "start":
      break // made below, outside the pass
  }
}

if (data.fault === "start") throw new Error("injected start-up failure")
// Thrown by a listener of its own that runs before the worker's: an exception nothing catches.
if (data.fault === "uncaught")
  parentPort!.on("message", ({ job }: ThreadJob<PassJob>) => {
    if (job.version === 1 && job.pass.index === data.atPass) throw new Error("injected uncaught failure")
  })
serveSteps(parentPort!, data, {
  beforePass: (job) => {
    if (job.version === 1 && job.pass.index === data.atPass) fail(data.fault)
  },
})
