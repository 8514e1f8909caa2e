import { Effect } from "effect"
import type { DetectorConfig } from "./config.ts"
import { createDetector, disposeDetector } from "./detector.ts"

/** A detector (fresh weights from `seed`) whose tensors are freed when the enclosing Effect scope closes. */
export function scopedDetector(config: DetectorConfig, options: { readonly seed: number }) {
  return Effect.acquireRelease(
    Effect.sync(() => createDetector(config, options)),
    (detector) => Effect.sync(() => disposeDetector(detector)),
  )
}
