/** Test-only: small detector configs that run in milliseconds. */
import { Effect } from "effect"
import type { DetectorConfig } from "./config.ts"
import { decodeDetectorConfig, sniperR50 } from "./config.ts"

/** ResNet-18 at 1/16 width (4-channel stem), small heads, 3 classes, 64 RoIs, batch norm trained. */
export function tinyConfig(overrides?: { depth?: 18 | 34 | 50 | 101; width?: number }): DetectorConfig {
  return Effect.runSync(
    decodeDetectorConfig({
      ...sniperR50,
      numClasses: 3,
      backbone: {
        ...sniperR50.backbone,
        depth: overrides?.depth ?? 18,
        width: overrides?.width ?? 1 / 16,
        freezeAt: 0,
      },
      rpn: { ...sniperR50.rpn, channels: 8, train: { ...sniperR50.rpn.train, postNmsTopK: 64 } },
      roi: { ...sniperR50.roi, channels: 4, fcDim: 16 },
    }),
  )
}
