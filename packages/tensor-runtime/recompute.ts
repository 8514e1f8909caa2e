/**
 * Recomputation (also called gradient checkpointing): run a block without keeping its activations for the
 * backward pass and recompute them when the gradient arrives. Trades one extra forward of the block for memory, which matters on wasm
 * (a 4 GB heap: ResNet-50 C4 at 2x512x512 in one tape needs ~3.8 GB).
 */
import * as tf from "@tensorflow/tfjs"

/**
 * Wraps `block` (a function of tensors that may read `params`) so that its forward pass keeps only its inputs
 * and output; gradients with respect to the inputs and to `params` are computed by re-running it.
 */
export function recompute<T extends tf.Tensor>(
  block: (...inputs: tf.Tensor[]) => T,
  params: ReadonlyArray<tf.Variable>,
): (...inputs: tf.Tensor[]) => T {
  return (...inputs) => {
    const n = inputs.length
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      // Saved, not captured: the caller may free the inputs (a tidy ending) before the backward pass runs.
      ;(args.at(-1) as tf.GradSaveFunc)(args.slice(0, n) as tf.Tensor[])
      return {
        value: tf.tidy(() => block(...(args.slice(0, n) as tf.Tensor[]))),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], xs: Array<tf.Tensor>) => {
          // a nested tape: tfjs's gradients() clears the engine's tape when it ends at depth 0, which is also
          // the enclosing backward pass's tape, so keep that one and put it back
          const state = (tf.engine() as unknown as { state: { activeTape: unknown } }).state
          const outerTape = state.activeTape
          try {
            const { grads } = tf
              .engine()
              .gradients(() => block(...xs), [...xs, ...params], Array.isArray(dy) ? dy[0] : dy, true)
            return [...xs, ...params].map((t, i) => grads[i] ?? tf.zerosLike(t))
          } finally {
            state.activeTape = outerTape
          }
        },
      }
    })
    return op(...inputs, ...params) as T
  }
}
