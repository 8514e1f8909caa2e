import { createDetector, type DetectorConfig, disposeDetector } from "@sniper/detector-model"
import { Effect } from "effect"

/** A detector (fresh weights from `seed`) whose tensors are freed when the enclosing Effect scope closes. */
export function scopedDetector(config: DetectorConfig, options: { readonly seed: number }) {
  return Effect.acquireRelease(
    Effect.sync(() => createDetector(config, options)),
    (detector) => Effect.sync(() => disposeDetector(detector)),
  )
}
