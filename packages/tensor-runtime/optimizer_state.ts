/**
 * An optimizer's slots (iteration count, momenta, Adam moments) as named tensors for a weights file. tfjs
 * optimizers match slots to variables by position, so names carry the position: `optimizer/0003/<slot>`.
 */
import type * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"

const PREFIX = "optimizer/"

/** True for the names `optimizerState` gives (to pass as `ignore` when loading only a model's variables). */
export function isOptimizerSlot(name: string): boolean {
  return name.startsWith(PREFIX)
}

/** The optimizer's slots, named `optimizer/<position>/<tfjs name>`; the caller owns (and disposes) them. */
export const optimizerState = Effect.fn("optimizerState")(function* (optimizer: tf.Optimizer) {
  const weights = yield* Effect.promise(() => optimizer.getWeights())
  return Object.fromEntries(
    weights.map((w, i) => [`${PREFIX}${String(i).padStart(4, "0")}/${w.name}`, w.tensor]),
  ) as Record<string, tf.Tensor>
})

/** Restores slots saved by `optimizerState` (other names in `tensors` are ignored); copies, so `tensors` stay the caller's. */
export const restoreOptimizerState = Effect.fn("restoreOptimizerState")(function* (
  optimizer: tf.Optimizer,
  tensors: Readonly<Record<string, tf.Tensor>>,
) {
  const slots = Object.entries(tensors)
    .filter(([name]) => name.startsWith(PREFIX))
    .map(([name, tensor]) => {
      const rest = name.slice(PREFIX.length)
      const slash = rest.indexOf("/")
      const position = Number(rest.slice(0, slash))
      if (slash < 0 || !Number.isInteger(position)) {
        throw new RangeError(`Cannot restore the optimizer: "${name}" must look like optimizer/<position>/<slot>`)
      }
      return { position, name: rest.slice(slash + 1), tensor }
    })
    .sort((a, b) => a.position - b.position)
  yield* Effect.promise(() => optimizer.setWeights(slots.map(({ name, tensor }) => ({ name, tensor }))))
})
