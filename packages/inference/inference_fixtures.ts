/** Test-only: the backend (as the product picks it), a tiny random detector and random images. */
import type { DecodedImage } from "@sniper/coco-io"
import { createDetector, type Detector, decodeDetectorConfig, sniperR50 } from "@sniper/detector-model"
import { selectBackend } from "@sniper/tensor-runtime"
import { Effect } from "effect"

export async function readyBackend(): Promise<string> {
  const info = await Effect.runPromise(selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND"))
  return info.backend
}

/** ResNet-18 at 1/16 width, 3 categories, `postNmsTopK` RoIs per image: milliseconds per small image. */
export function tinyDetector(postNmsTopK = 40, seed = 1): Detector {
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

/** A `width` x `height` RGB image of pseudo-random pixels. */
export function randomImage(width: number, height: number, seed: number): DecodedImage {
  const pixels = new Uint8Array(width * height * 3)
  let s = seed
  for (let i = 0; i < pixels.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    pixels[i] = s >> 23
  }
  return { imageId: seed, width, height, pixels }
}
