/** Test support: temporary folders, a two-image data set held in memory, prepared-data paths that name no files. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Dataset } from "@sniper/coco-io"
import type { TrainConfig } from "@sniper/trainer"
import { afterAll } from "vitest"
import { sniperConfig } from "./base_config.ts"
import type { PreparedData } from "./synthetic_data.ts"

/** Image 1: 200 x 100 px with a 50 x 50 box; image 2: 100 x 50 px with a 30 x 20 box; one category. */
export function twoImageDataset(): Dataset {
  return {
    source: "two_images.json",
    images: {
      count: 2,
      id: Float64Array.of(1, 2),
      width: Int32Array.of(200, 100),
      height: Int32Array.of(100, 50),
      fileName: ["1.jpg", "2.jpg"],
    },
    categories: { count: 1, id: Int32Array.of(1), name: ["shape"] },
    annotations: {
      count: 2,
      id: Float64Array.of(1, 2),
      image: Int32Array.of(0, 1),
      category: Int32Array.of(0, 0),
      bbox: Float64Array.of(50, 20, 50, 50, 10, 10, 30, 20),
      area: Float64Array.of(2500, 600),
      iscrowd: Uint8Array.of(0, 0),
    },
    imageStart: Int32Array.of(0, 1, 2),
    zeroAreaDropped: 0,
    imageRow: (id) => (id === 1 ? 0 : id === 2 ? 1 : -1),
    categoryRow: (id) => (id === 1 ? 0 : -1),
  }
}

/** Whole images at 1x, every box trained: one chip an image an epoch, sized to the largest training image. */
export const wholeImageConfig: TrainConfig = {
  ...sniperConfig,
  chips: { ...sniperConfig.chips, sampling: "whole-image", scales: [{ factor: 1 }], validRanges: [[-1, -1]] },
}

/** Where a prepared data set would be; nothing is read from these paths. */
export const nowhereData: PreparedData = {
  dir: "/data",
  recipe: { images: 10, seed: 1, valFraction: 0.4, longSide: [128, 192] },
  train: { annotations: "/data/annotations/instances_train.json", images: "/data/images/train" },
  val: { annotations: "/data/annotations/instances_val.json", images: "/data/images/val" },
}

const made: Array<string> = []
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

/** A fresh folder under the system's temporary one, removed after the test file's tests. */
export function temporary(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
