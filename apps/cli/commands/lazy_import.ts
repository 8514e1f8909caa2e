import { Effect, Layer } from "effect"

/**
 * Loads a package when its subcommand runs, not when `sniper` starts: tfjs, sharp and vega together cost
 * seconds of start-up that `--help` and the light subcommands should not pay.
 */
export function lazyImport<M>(load: () => Promise<M>): Effect.Effect<M> {
  return Effect.promise(load)
}

/** tensor-runtime's backend layer (quiet: the commands print the backend themselves), loaded when first built. */
export const lazyTensorRuntime = Layer.unwrap(
  Effect.map(
    lazyImport(() => import("@sniper/tensor-runtime")),
    (m) => m.TensorRuntime.layerQuiet,
  ),
)
