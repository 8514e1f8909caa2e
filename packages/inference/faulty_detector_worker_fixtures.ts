/**
 * Test-only: an inference worker entry serving detection that is slow on some images (`delays`, ms by image
 * name) and fails on purpose at image `atImage` in the way `fault` names.
 */
import { parentPort, workerData } from "node:worker_threads"
import type { InferenceOptions } from "./config.ts"
import { type DetectorWorkerData, detectTask, serveDetector } from "./detector_worker.ts"

/** The failures this entry can make. */
export type ImageFault = "none" | "throw" | "exit" | "start"

const data = workerData as DetectorWorkerData<InferenceOptions> & {
  readonly fault: ImageFault
  readonly atImage?: string
  readonly delays?: Readonly<Record<string, number>>
}

if (data.fault === "start") throw new Error("injected start-up failure")
serveDetector(parentPort!, data, detectTask, {
  beforeImage: (job) => {
    const delay = data.delays?.[job.name]
    if (delay !== undefined) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay)
    if (job.name !== data.atImage) return
    if (data.fault === "throw") throw new Error("injected failure")
    if (data.fault === "exit") process.exit(3)
  },
})
