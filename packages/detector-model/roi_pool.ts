import { roiAlign } from "@sniper/tensor-runtime"
import type * as tf from "@tensorflow/tfjs"
import type { Detector } from "./detector.ts"

/** RoIAlign (aligned) of `rois` (x1, y1, x2, y2 in input px, chip `boxIndex[i]`) on the stride-16 RoI features:
 * [R, poolSize, poolSize, C], differentiable with respect to the features. */
export function poolRois(
  detector: Detector,
  features: tf.Tensor4D,
  rois: Float32Array,
  boxIndex: Int32Array,
): tf.Tensor4D {
  const { roi, anchors } = detector.config
  return roiAlign(features, rois, boxIndex, {
    outputSize: roi.poolSize,
    spatialScale: 1 / anchors.stride,
    samplingRatio: roi.samplingRatio,
    aligned: true,
  })
}
