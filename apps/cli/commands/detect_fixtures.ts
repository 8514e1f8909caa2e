/** Test-only: a run folder holding a tiny untrained detector, and synthetic images to detect on (no training). */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { writeSynthDataset } from "@sniper/coco-io"
import { createDetector, disposeDetector, saveDetector } from "@sniper/detector-model"
import { TensorRuntime } from "@sniper/tensor-runtime"
import { checkpointPath, demoConfig, type TrainConfig } from "@sniper/trainer"
import { Effect } from "effect"

/** The demo recipe on a detector a sixteenth as wide, tested at long sides 128 and 64: seconds per image on wasm. */
export function tinyDetectConfig(): TrainConfig {
  const d = demoConfig.detector
  return {
    ...demoConfig,
    name: "detect-test",
    data: { synthetic: { images: 4, seed: 5, valFraction: 0.5 } },
    detector: {
      ...d,
      backbone: { ...d.backbone, width: 1 / 16 },
      rpn: { ...d.rpn, channels: 8, test: { ...d.rpn.test, postNmsTopK: 32 } },
      roi: { ...d.roi, channels: 4, fcDim: 16 },
    },
    test: {
      ...demoConfig.test,
      scales: [
        { short: -1, long: 128 },
        { short: -1, long: 64 },
      ],
      validRanges: [
        [-1, 80],
        [40, -1],
      ],
    },
  }
}

/**
 * Under `root`: `run/` (config.json and a checkpoint of the seed's untrained weights) and `data/`, the synthetic
 * data set of that config (2 train and 2 val images, `annotations/instances_val.json`, `images/val/`).
 */
export const writeTinyRun = Effect.fn("writeTinyRun")(function* (root: string) {
  const config = tinyDetectConfig()
  const runDir = join(root, "run")
  const dataDir = join(root, "data")
  yield* writeSynthDataset(dataDir, config.data.synthetic)
  yield* Effect.promise(() => mkdir(runDir, { recursive: true }))
  yield* Effect.promise(() => writeFile(join(runDir, "config.json"), JSON.stringify(config, null, 2)))
  yield* Effect.acquireUseRelease(
    Effect.sync(() => createDetector(config.detector, { seed: config.seed })),
    (detector) => saveDetector(checkpointPath(runDir), detector),
    (detector) => Effect.sync(() => disposeDetector(detector)),
  ).pipe(Effect.provide(TensorRuntime.layerQuiet))
  return { runDir, dataDir, config }
})
