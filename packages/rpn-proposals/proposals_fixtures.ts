/** Test-only: the backend (as the product picks it) and a tiny detector (ResNet-18 at 1/16 width) whose
 * proposals take milliseconds. */
import { createDetector, type Detector, decodeDetectorConfig, sniperR50 } from "@sniper/detector-model"
import { selectBackend } from "@sniper/tensor-runtime"
import { Effect } from "effect"

export async function readyBackend(): Promise<string> {
  const info = await Effect.runPromise(selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND"))
  return info.backend
}

/** `postNmsTopK` proposals per scale. The same tiny detector as inference's test fixtures, repeated on purpose:
 * packages expose only `mod.ts`, and the shared testing package cannot depend on detector-model (tensor-runtime
 * depends on files, whose tests use testing). */
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
