/** Test-only: the wasm backend and a tiny detector (ResNet-18 at 1/16 width) whose proposals take milliseconds. */
import "@tensorflow/tfjs-backend-wasm"
import { createDetector, type Detector, decodeDetectorConfig, sniperR50 } from "@sniper/detector-model"
import { registerTrainingKernels } from "@sniper/tensor-runtime"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"

export async function readyBackend(): Promise<string> {
  registerTrainingKernels()
  const want = process.env.SNIPER_BACKEND ?? "wasm"
  await tf.setBackend(want === "auto" ? "wasm" : want)
  return tf.getBackend()
}

/** `postNmsTopK` proposals per scale. */
export function tinyDetector(postNmsTopK: number, seed = 1): Detector {
  const config = Effect.runSync(
    decodeDetectorConfig({
      ...sniperR50,
      numClasses: 3,
      backbone: { ...sniperR50.backbone, depth: 18, width: 1 / 16, freezeAt: 0 },
      rpn: { ...sniperR50.rpn, channels: 8, test: { ...sniperR50.rpn.test, preNmsTopK: 2000, postNmsTopK } },
      roi: { ...sniperR50.roi, channels: 4, fcDim: 16 },
    }),
  )
  return createDetector(config, { seed })
}
