import { existsSync } from "node:fs"
import { join } from "node:path"
import type { Detector } from "@sniper/detector-model"
import {
  isOptimizerSlot,
  loadWeights,
  optimizerState,
  restoreOptimizerState,
  saveWeights,
  type TensorSpec,
} from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { RunFileError } from "./errors.ts"

/** Where a run stands: optimizer steps taken, the epoch in progress and the chips of it already trained on. */
export interface Progress {
  readonly step: number
  readonly epoch: number
  readonly chipsDone: number
}

/** The run folder's checkpoint file. */
export function checkpointPath(runDir: string): string {
  return join(runDir, "checkpoint.safetensors")
}

/**
 * Saves the model's parameters, the optimizer's state (moments, iteration count) and the progress in one
 * safetensors file, atomically: a kill at any moment leaves the previous checkpoint whole.
 */
export const saveCheckpoint = Effect.fn("saveCheckpoint")(function* (
  runDir: string,
  detector: Detector,
  optimizer: tf.Optimizer,
  progress: Progress,
) {
  const slots = yield* optimizerState(optimizer)
  yield* saveWeights(
    checkpointPath(runDir),
    { ...Object.fromEntries(detector.params.variables), ...slots },
    { metadata: { progress: JSON.stringify(progress), format: "sniper-checkpoint/1" } },
  )
})

/**
 * Restores a checkpoint into `detector` and `optimizer` and returns its progress, or undefined when the run
 * folder has none. A checkpoint whose parameters differ in name, shape or type fails, touching nothing.
 */
export const loadCheckpoint = Effect.fn("loadCheckpoint")(function* (
  runDir: string,
  detector: Detector,
  optimizer: tf.Optimizer,
) {
  const path = checkpointPath(runDir)
  if (!existsSync(path)) return undefined
  const expect: Record<string, TensorSpec> = {}
  for (const [name, v] of detector.params.variables) expect[name] = { shape: v.shape, dtype: v.dtype }
  const { tensors, metadata } = yield* loadWeights(path, { expect, ignore: isOptimizerSlot })
  return yield* Effect.gen(function* () {
    const progress = parseProgress(metadata.progress)
    if (progress === undefined) {
      return yield* new RunFileError({ path, problem: "its progress metadata is missing or malformed" })
    }
    for (const [name, v] of detector.params.variables) v.assign(tensors[name])
    yield* restoreOptimizerState(optimizer, tensors)
    return progress
  }).pipe(Effect.ensuring(Effect.sync(() => tf.dispose(Object.values(tensors)))))
})

function parseProgress(text: string | undefined): Progress | undefined {
  if (text === undefined) return undefined
  try {
    const p = JSON.parse(text) as Partial<Progress>
    const ok = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0
    return ok(p.step) && ok(p.epoch) && ok(p.chipsDone)
      ? { step: p.step!, epoch: p.epoch!, chipsDone: p.chipsDone! }
      : undefined
  } catch {
    return undefined
  }
}
