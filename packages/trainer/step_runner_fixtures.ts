/** Test-only: tiny batches, a fault-injecting worker configuration, and byte-level snapshots of a replica. */
import type { Detector } from "@sniper/detector-model"
import { Prng } from "@sniper/random"
import { optimizerState } from "@sniper/tensor-runtime"
import type * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import type { ChipBatch } from "./chip_batches.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

/** The tiny detector of the trainer's tests (ResNet-18 at 1/16 width, batch norm trained). */
export const tinyDetector = tinyTrainConfig().detector

/** `count` chips of `size` px with random pixels and one to three boxes each, all from `seed`. */
export function syntheticBatch(count: number, options: { readonly seed: number; readonly size?: number }): ChipBatch {
  const size = options.size ?? 64
  const prng = new Prng([options.seed, 0x5b])
  const pixels = new Float32Array(count * size * size * 3)
  for (let i = 0; i < pixels.length; i++) pixels[i] = prng.uniform(-1, 1)
  const truths = Array.from({ length: count }, () => {
    const n = prng.int(1, 3)
    const boxes = new Float32Array(4 * n)
    const category = new Int32Array(n)
    for (let b = 0; b < n; b++) {
      const w = prng.int(12, size / 2)
      const h = prng.int(12, size / 2)
      const x = prng.int(0, size - w)
      const y = prng.int(0, size - h)
      boxes.set([x, y, x + w, y + h], 4 * b)
      category[b] = prng.int(0, tinyDetector.numClasses - 1)
    }
    return { boxes, category, valid: new Uint8Array(n).fill(1) }
  })
  const areaRanges = truths.map((): [number, number] => [0, Number.POSITIVE_INFINITY])
  return { size, count, pixels, truths, areaRanges }
}

function base64(values: ArrayBufferView): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64")
}

/** Every variable's bytes by name, and the optimizer's slots by position (what a checkpoint holds). */
export const replicaBytes = Effect.fn("replicaBytes")(function* (detector: Detector, optimizer: tf.Optimizer) {
  const out: Record<string, string> = {}
  for (const [name, v] of detector.params.variables) out[name] = base64(v.dataSync())
  const slots = yield* optimizerState(optimizer)
  for (const [name, t] of Object.entries(slots)) {
    // tfjs names slots after its global variable ids, which differ between replicas of one process.
    out[name.replace(/^(optimizer\/\d+\/)[^/]+\//, "$1")] = base64(t.dataSync())
    t.dispose()
  }
  return out
})
