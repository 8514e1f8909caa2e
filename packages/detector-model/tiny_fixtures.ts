/** Test-only: small detector configs that run in milliseconds. */

import type { ChipTruth } from "@sniper/boxes"
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

/** tinyConfig with frozen batch norm: a pass's statistics then do not depend on which chips share the pass. */
export function frozenBnConfig(): DetectorConfig {
  const base = tinyConfig()
  return Effect.runSync(decodeDetectorConfig({ ...base, backbone: { ...base.backbone, batchNorm: "frozen" } }))
}

/** The same two boxes on each of two 64 px chips: every chip samples as many anchors and labels as many RoIs,
 * so passes of one chip average to the one-pass gradient. */
export function twinTruths(): Array<ChipTruth> {
  const truth: ChipTruth = {
    boxes: Float32Array.from([4, 6, 40, 50, 30, 20, 60, 34]),
    category: Int32Array.from([1, 0]),
    valid: Uint8Array.from([1, 1]),
  }
  return [truth, truth]
}
