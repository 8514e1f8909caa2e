/** GatherNd's gradient (tfjs has none): scatter dy back to the gathered slices, duplicates summed. */
import * as tf from "@tensorflow/tfjs"

export const gatherNdGrad: tf.GradConfig = {
  kernelName: tf.GatherNd,
  inputsToSave: ["params", "indices"],
  gradFunc: (dy, saved) => {
    const [params, indices] = saved
    return {
      params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape),
      indices: () => {
        throw new TypeError(
          "Cannot differentiate gatherND: indices are integers, current request is a gradient for them",
        )
      },
    }
  },
}
