import * as tf from "@tensorflow/tfjs"

/**
 * Batch norm over N, H, W with batch statistics, optionally followed by ReLU, as one differentiable op with a
 * hand-written backward. Through the tape the same maths records ~10 ops, and tfjs copies every tensor a
 * recorded op saves (a full copy on wasm); this op saves two full-size tensors.
 * `onStatistics` receives the batch mean and biased variance (for running averages; no gradient).
 */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  options: {
    readonly epsilon: number
    readonly relu: boolean
    readonly onStatistics?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void
  },
): tf.Tensor4D {
  const count = x.shape[0] * x.shape[1] * x.shape[2]
  const op = tf.customGrad((input, scale, shift, save) => {
    const xs = input as tf.Tensor4D
    const mean = tf.mean(xs, [0, 1, 2]) as tf.Tensor1D
    const centred = tf.sub(xs, mean)
    const variance = tf.mean(tf.square(centred), [0, 1, 2]) as tf.Tensor1D
    options.onStatistics?.(mean, variance)
    const invStd = tf.rsqrt(tf.add(variance, options.epsilon))
    const normalised = tf.mul(centred, invStd)
    const affine = tf.add(tf.mul(normalised, scale as tf.Tensor), shift as tf.Tensor)
    const y = options.relu ? tf.relu(affine) : affine
    ;(save as tf.GradSaveFunc)(
      options.relu
        ? [normalised, tf.mul(invStd, scale as tf.Tensor), y]
        : [normalised, tf.mul(invStd, scale as tf.Tensor)],
    )
    return {
      value: y as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
        const [xhat, scaledInvStd, out] = saved
        const g = out === undefined ? dy : tf.mul(dy, tf.step(out))
        const dShift = tf.sum(g, [0, 1, 2])
        const dScale = tf.sum(tf.mul(g, xhat), [0, 1, 2])
        // dx = gamma / sigma x (g - mean(g) - xhat x mean(g xhat))
        const dx = tf.mul(tf.sub(tf.sub(g, tf.div(dShift, count)), tf.mul(xhat, tf.div(dScale, count))), scaledInvStd)
        return [dx, dScale, dShift]
      },
    }
  })
  return op(x, gamma, beta) as tf.Tensor4D
}

/** relu(a + b) as one op saving only its output (the residual join of a ResNet block). */
export function addRelu(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad((x, y, save) => {
    const out = tf.relu(tf.add(x as tf.Tensor, y as tf.Tensor))
    ;(save as tf.GradSaveFunc)([out])
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, [saved]: Array<tf.Tensor>) => {
        const g = tf.mul(dy, tf.step(saved))
        return [g, g]
      },
    }
  })
  return op(a, b) as tf.Tensor4D
}
