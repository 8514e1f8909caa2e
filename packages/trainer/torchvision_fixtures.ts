/** Test-only: a torchvision ResNet state dict for a detector's backbone, as a user's conversion would save it. */
import { type DetectorConfig, detectorSpecs } from "@sniper/detector-model"
import { saveWeights } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"

/**
 * Writes `path`: every backbone tensor under torchvision's name (no "backbone." prefix), convs in PyTorch's
 * [out, in, kh, kw] layout, values seeded uniform in [-1, 1) except positive running variances, plus torchvision's
 * `fc.*` classifier that the import drops.
 */
export function writeTorchvisionFile(path: string, config: DetectorConfig, seed = 5) {
  const tensors: Record<string, tf.Tensor> = {}
  let k = seed
  for (const spec of detectorSpecs(config)) {
    if (!spec.name.startsWith("backbone.")) continue
    const [kh, kw, cin, cout] = spec.shape
    const shape = spec.shape.length === 4 ? [cout, cin, kh, kw] : [...spec.shape]
    const low = spec.name.endsWith("running_var") ? 0.5 : -1
    tensors[spec.name.slice("backbone.".length)] = tf.randomUniform(shape, low, 1, "float32", k++)
  }
  tensors["fc.weight"] = tf.zeros([10, 4])
  tensors["fc.bias"] = tf.zeros([10])
  return saveWeights(path, tensors).pipe(Effect.ensuring(Effect.sync(() => tf.dispose(Object.values(tensors)))))
}
