/**
 * An optimizer's slots (iteration count, momenta, Adam moments) as named tensors for a weights file. tfjs
 * optimizers match slots to variables by position, so names carry the position: `optimizer/0003/<slot>`.
 */
import * as tf from "@tensorflow/tfjs"
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
  restoreBetaPowers(optimizer)
})

/**
 * Adam keeps beta^(t+1) as a running float32 product, but its `setWeights` recomputes it with `pow`, which
 * differs in the last bits: a resumed run would drift from an uninterrupted one. This redoes the product
 * step by step in float32, as training does, so a resumed run repeats the uninterrupted one exactly.
 */
function restoreBetaPowers(optimizer: tf.Optimizer): void {
  const o = optimizer as unknown as {
    iterations_?: number
    beta1?: number
    beta2?: number
    accBeta1?: tf.Variable
    accBeta2?: tf.Variable
  }
  const steps = o.iterations_ ?? 0
  for (const [beta, acc] of [
    [o.beta1, o.accBeta1],
    [o.beta2, o.accBeta2],
  ] as const) {
    if (beta === undefined || acc === undefined) continue
    const b = Math.fround(beta)
    let product = b
    for (let i = 0; i < steps; i++) product = Math.fround(product * b)
    const value = tf.scalar(product)
    acc.assign(value)
    value.dispose()
  }
}
