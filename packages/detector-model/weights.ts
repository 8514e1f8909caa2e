import { loadWeightsInto, saveWeights } from "@sniper/tensor-runtime"
import type * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import type { Detector } from "./detector.ts"

/** Every tensor of the detector by its name (backbone in torchvision naming, "rpn.*", "roi.*"). */
export function namedVariables(detector: Detector): Record<string, tf.Variable> {
  return Object.fromEntries(detector.params.variables)
}

/** Writes the detector's tensors to a safetensors file (atomically), the config as JSON in the metadata. */
export const saveDetector = Effect.fn("saveDetector")(function* (
  path: string,
  detector: Detector,
  options?: { readonly metadata?: Readonly<Record<string, string>> },
) {
  return yield* saveWeights(path, namedVariables(detector), {
    metadata: { ...options?.metadata, detectorConfig: JSON.stringify(detector.config) },
  })
})

/** Loads a file written by {@link saveDetector} into the detector; a file of another depth, width or class count
 * fails with tensor-runtime's WeightsMismatch listing every difference, and leaves the detector untouched. */
export const loadDetector = Effect.fn("loadDetector")(function* (path: string, detector: Detector) {
  return yield* loadWeightsInto(path, namedVariables(detector))
})
