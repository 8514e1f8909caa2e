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

/** The run folder's checkpoint of the detector stage. */
export function checkpointPath(runDir: string): string {
  return join(runDir, "checkpoint.safetensors")
}

/** A stage's model and optimizer, as checkpointed. */
export interface TrainingState {
  readonly detector: Detector
  readonly optimizer: tf.Optimizer
  /** The variables the optimizer updates, in its order: every trainable one (the default), or fewer for a stage
   * that trains part of the model (the RPN stage). Its slots are checked against these on load. */
  readonly updated?: ReadonlyArray<string> | undefined
}

/**
 * Saves the model's parameters, the optimizer's state (moments, iteration count) and the progress in one
 * safetensors file at `path`, atomically: a kill at any moment leaves the previous checkpoint whole.
 */
export const saveCheckpoint = Effect.fn("saveCheckpoint")(function* (
  path: string,
  state: TrainingState & { readonly progress: Progress },
) {
  const { detector, optimizer, progress } = state
  const slots = yield* optimizerState(optimizer)
  yield* saveWeights(
    path,
    { ...Object.fromEntries(detector.params.variables), ...slots },
    { metadata: { progress: JSON.stringify(progress), format: "sniper-checkpoint/1" } },
  )
})

/**
 * Why the optimizer slots of a checkpoint cannot be this detector's optimizer state, or undefined when they can.
 * tfjs optimizers keep slots by position: `optimizer/<position>/<slot>` with positions 0..n-1, position 0 the
 * scalar `iter`, then one or more rounds over the trainable variables in order (momentum: one, Adam: m then v),
 * each slot shaped like its variable. (Slot names carry tfjs's run-specific variable ids, so only shapes tell.)
 */
export function optimizerSlotProblem(
  slots: Readonly<Record<string, TensorSpec>>,
  trainable: ReadonlyArray<readonly [string, TensorSpec]>,
): string | undefined {
  const byPosition = new Map<number, { full: string; spec: TensorSpec }>()
  for (const [full, spec] of Object.entries(slots)) {
    const match = /^optimizer\/(\d+)\/.+$/.exec(full)
    if (match === null) return `"${full}" is not named optimizer/<position>/<slot>`
    const position = Number(match[1])
    if (byPosition.has(position)) return `position ${position} appears twice ("${full}")`
    byPosition.set(position, { full, spec })
  }
  const n = byPosition.size
  if (n === 0) return undefined
  const t = trainable.length
  if (t === 0 || (n - 1) % t !== 0) return `it has ${n} slots, not 1 + a multiple of the ${t} trainable variables`
  for (let position = 0; position < n; position++) {
    const slot = byPosition.get(position)
    if (slot === undefined) return `slot position ${position} is missing (${n} slots)`
    const { full, spec } = slot
    const [name, want] = position === 0 ? ["iter", { shape: [], dtype: "float32" }] : trainable[(position - 1) % t]
    const same = want.shape.length === spec.shape.length && want.shape.every((d, i) => d === spec.shape[i])
    if (!same || (position > 0 && spec.dtype !== want.dtype)) {
      return `"${full}" is ${spec.dtype} [${spec.shape.join(", ")}], but position ${position} belongs to "${name}", ${want.dtype} [${want.shape.join(", ")}]`
    }
  }
  return undefined
}

/**
 * Restores the checkpoint at `path` into the detector and optimizer and returns its progress, or undefined when
 * there is none. A checkpoint whose parameters differ in name, shape or type, whose optimizer state does not fit
 * the detector, or whose bytes are damaged (WeightsCorrupt) fails, touching nothing.
 */
export const loadCheckpoint = Effect.fn("loadCheckpoint")(function* (path: string, state: TrainingState) {
  const { detector, optimizer } = state
  if (!existsSync(path)) return undefined
  const expect: Record<string, TensorSpec> = {}
  for (const [name, v] of detector.params.variables) expect[name] = { shape: v.shape, dtype: v.dtype }
  const { tensors, metadata } = yield* loadWeights(path, { expect, ignore: isOptimizerSlot })
  return yield* Effect.gen(function* () {
    const progress = parseProgress(metadata.progress)
    if (progress === undefined) {
      return yield* new RunFileError({ path, problem: "its progress metadata is missing or malformed" })
    }
    const slots = Object.fromEntries(
      Object.entries(tensors)
        .filter(([name]) => isOptimizerSlot(name))
        .map(([name, t]) => [name, { shape: t.shape, dtype: t.dtype }]),
    )
    const trainable = (state.updated ?? detector.params.trainable).map((name) => {
      const v = detector.params.variables.get(name)!
      return [name, { shape: v.shape, dtype: v.dtype }] as const
    })
    const slotProblem = optimizerSlotProblem(slots, trainable)
    if (slotProblem !== undefined) {
      return yield* new RunFileError({ path, problem: `its optimizer state does not fit this run: ${slotProblem}` })
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
