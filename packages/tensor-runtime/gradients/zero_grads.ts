/** Comparisons and logic have zero gradient; tfjs registers none, so a mask computed from x broke tf.grad. */
import * as tf from "@tensorflow/tfjs"

function zeroGrad(kernelName: string, inputNames: ReadonlyArray<string>): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: [...inputNames],
    gradFunc: (_dy, saved) =>
      Object.fromEntries(inputNames.map((name, i) => [name, () => tf.zerosLike(saved[i]).toFloat()])),
  }
}

export const zeroGrads: ReadonlyArray<tf.GradConfig> = [
  ...[tf.Greater, tf.Less, tf.LessEqual, tf.Equal, tf.NotEqual, tf.LogicalAnd, tf.LogicalOr].map((name) =>
    zeroGrad(name, ["a", "b"]),
  ),
  zeroGrad(tf.LogicalNot, ["x"]),
]
