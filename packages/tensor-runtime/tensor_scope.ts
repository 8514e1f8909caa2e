/**
 * Tensor lifetimes tied to Effect scopes. tfjs tracks every tensor created while one of its engine scopes is
 * open; `withTensorScope` opens one around an effect and closes it when the effect ends, however it ends
 * (success, failure, interruption), disposing everything but the tensors in its result. Engine scopes are
 * a process-wide stack, so tensor work of two fibers must not interleave inside scopes: nest, don't overlap.
 */
import * as tf from "@tensorflow/tfjs"
import { Effect, Exit, type Scope } from "effect"

interface EngineScope {
  readonly track: ReadonlyArray<tf.Tensor>
}
interface EngineState {
  readonly activeScope: EngineScope | null
}

function engineState(): EngineState {
  return (tf.engine() as unknown as { state: EngineState }).state
}

/** Tensors in `value`: itself, or inside arrays and plain objects (typed arrays and class instances skipped). */
export function tensorsIn(value: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (value instanceof tf.Tensor) out.push(value)
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, out)
  else if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) tensorsIn(v, out)
  }
  return out
}

/**
 * Runs `effect` inside a tensor scope: every tensor it creates is disposed when it ends, on success, failure
 * or interruption, except the tensors found in its successful result (they move to the enclosing scope).
 */
export function withTensorScope<A, E, R>(effect: Effect.Effect<A, E, R>, name = "tensorScope"): Effect.Effect<A, E, R> {
  return Effect.acquireUseRelease(
    Effect.sync(() => {
      tf.engine().startScope(name)
      return engineState().activeScope
    }),
    () => effect,
    (scope, exit) =>
      Effect.sync(() => {
        if (engineState().activeScope !== scope) {
          throw new RangeError(
            `Cannot close tensor scope "${name}": another tensor scope opened inside it is still open, current state is an overlap of two fibers' tensor work`,
          )
        }
        tf.engine().endScope(Exit.isSuccess(exit) ? (tensorsIn(exit.value) as tf.TensorContainer) : undefined)
      }),
  )
}

/** A tensor that lives until the enclosing Effect `Scope` closes (acquireRelease around `make`). */
export function scopedTensor<T extends tf.Tensor>(make: () => T): Effect.Effect<T, never, Scope.Scope> {
  return Effect.acquireRelease(
    Effect.sync(() => tf.tidy(make)),
    (t) => Effect.sync(() => t.dispose()),
  )
}

/** Live tensors now (tfjs's count, variables included). */
export function liveTensors(): number {
  return tf.memory().numTensors
}

/**
 * For tests: runs `effect` and dies with a message naming the count if it leaves more (or fewer) live tensors
 * than before, whatever its outcome.
 */
export function assertNoTensorLeak<A, E, R>(effect: Effect.Effect<A, E, R>, label = "effect"): Effect.Effect<A, E, R> {
  return Effect.suspend(() => {
    const before = liveTensors()
    return Effect.onExit(effect, () =>
      Effect.suspend(() => {
        const after = liveTensors()
        return after === before
          ? Effect.void
          : Effect.die(
              new Error(
                `Tensor leak in ${label}: ${before} live tensors before, ${after} after (${after - before > 0 ? "+" : ""}${after - before})`,
              ),
            )
      }),
    )
  })
}
