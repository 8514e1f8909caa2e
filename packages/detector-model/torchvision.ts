import { loadWeights, WeightsMismatch } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import type { Detector } from "./detector.ts"

/**
 * The detector's name for a tensor of torchvision's `resnet{18,34,50,101}` state dict, or undefined for
 * tensors the detector has no use for. The mapping is the identity under a "backbone." prefix:
 *   conv1.weight, bn1.{weight,bias,running_mean,running_var}  -> backbone.conv1.*, backbone.bn1.*
 *   layer{1..4}.{i}.conv{1,2,3}.weight, .bn{1,2,3}.*           -> backbone.layer{1..4}.{i}.*
 *   layer{1..4}.0.downsample.{0 = conv, 1 = bn}.*              -> backbone.layer{1..4}.0.downsample.*
 *   fc.*, *.num_batches_tracked                                -> dropped
 * layer4 keeps its weights but runs at stride 1, dilation 2 (SNIPER's res5); conv weights are stored
 * [out, in, kh, kw] by PyTorch and [kh, kw, in, out] here (transposed on import).
 */
export function torchvisionName(name: string): string | undefined {
  if (name.startsWith("fc.") || name.endsWith(".num_batches_tracked")) return undefined
  return `backbone.${name}`
}

/**
 * Imports a torchvision ResNet ImageNet checkpoint converted to safetensors (float32; drop or cast the int64
 * `num_batches_tracked`, e.g. `{k: v.float() for k, v in sd.items() if "num_batches" not in k}`) into the
 * detector's backbone. Every backbone tensor must be present with a matching shape, or nothing is touched.
 * Returns the number of tensors loaded.
 */
export const importTorchvisionResnet = Effect.fn("importTorchvisionResnet")(function* (
  path: string,
  detector: Detector,
) {
  const { tensors } = yield* loadWeights(path)
  const problems: Array<string> = []
  const mapped = new Map<string, tf.Tensor>()
  for (const [name, t] of Object.entries(tensors)) {
    const target = torchvisionName(name)
    if (target === undefined) continue
    const v = detector.params.variables.get(target)
    if (v === undefined) {
      problems.push(`unexpected tensor "${name}" (no ${target} in this backbone)`)
      continue
    }
    const value = t.rank === 4 ? tf.transpose(t, [2, 3, 1, 0]) : t
    if (value.shape.join(",") !== v.shape.join(",") || value.dtype !== v.dtype)
      problems.push(
        `"${name}" is ${value.dtype} [${value.shape}] after layout change, the backbone needs ${v.dtype} [${v.shape}]`,
      )
    mapped.set(target, value)
  }
  for (const name of detector.params.variables.keys())
    if (name.startsWith("backbone.") && !mapped.has(name)) problems.push(`missing tensor "${name.slice(9)}"`)
  if (problems.length === 0) for (const [name, value] of mapped) detector.params.variables.get(name)!.assign(value)
  tf.dispose([...Object.values(tensors), ...mapped.values()])
  if (problems.length > 0) return yield* new WeightsMismatch({ path, problems })
  return mapped.size
})
