import { existsSync } from "node:fs"
import { join } from "node:path"
import type { Detector } from "@sniper/detector-model"
import { loadWeights, saveWeights } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { RunFileError } from "./errors.ts"

/** Where a run stands: optimizer steps taken, the epoch in progress and the chips of it already trained on. */
export interface Progress {
  readonly step: number
  readonly epoch: number
  readonly chipsDone: number
}

const modelPrefix = "model/"
const optimizerPrefix = "optimizer/"

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
  const slots = yield* Effect.promise(() => optimizer.getWeights())
  const tensors: Record<string, tf.Tensor> = {}
  for (const [name, v] of detector.params.variables) tensors[modelPrefix + name] = v
  // tfjs optimizers restore their state by position (iterations first, then each slot), so the position is kept.
  slots.forEach(({ name, tensor }, i) => {
    tensors[`${optimizerPrefix}${String(i).padStart(5, "0")}/${name}`] = tensor
  })
  yield* saveWeights(checkpointPath(runDir), tensors, {
    metadata: { progress: JSON.stringify(progress), format: "sniper-checkpoint/1" },
  })
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
  const expect: Record<string, { shape: ReadonlyArray<number>; dtype: tf.DataType }> = {}
  for (const [name, v] of detector.params.variables) expect[modelPrefix + name] = { shape: v.shape, dtype: v.dtype }
  const loaded = yield* loadWeights(path)
  const { tensors, metadata } = loaded
  const release = Effect.sync(() => tf.dispose(Object.values(tensors)))
  return yield* Effect.gen(function* () {
    const problems: Array<string> = []
    for (const [name, spec] of Object.entries(expect)) {
      const t = tensors[name]
      if (t === undefined) problems.push(`${name} is missing`)
      else if (t.shape.join("x") !== spec.shape.join("x"))
        problems.push(`${name} has shape [${t.shape}], the model [${spec.shape}]`)
    }
    for (const name of Object.keys(tensors))
      if (name.startsWith(modelPrefix) && expect[name] === undefined) problems.push(`${name} is not in the model`)
    const progress = parseProgress(metadata.progress)
    if (progress === undefined) problems.push("its progress metadata is missing or malformed")
    if (problems.length > 0 || progress === undefined) {
      return yield* new RunFileError({
        path,
        problem: `it does not fit this model: ${problems.slice(0, 5).join("; ")}`,
      })
    }
    for (const [name, v] of detector.params.variables) v.assign(tensors[modelPrefix + name])
    const slots = Object.entries(tensors)
      .filter(([name]) => name.startsWith(optimizerPrefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, tensor]) => ({ name: name.slice(optimizerPrefix.length + 6), tensor }))
    if (slots.length > 0) yield* Effect.promise(() => optimizer.setWeights(slots))
    return progress
  }).pipe(Effect.ensuring(release))
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
