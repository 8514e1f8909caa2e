/** Test-only: the backend tests run on (SNIPER_BACKEND, default wasm), chosen as the product chooses it, with
 * tensor-runtime's training kernels. */
import { selectBackend } from "@sniper/tensor-runtime"
import { Effect } from "effect"

export async function readyBackend(): Promise<string> {
  const info = await Effect.runPromise(selectBackend(process.env.SNIPER_BACKEND ?? "wasm", "SNIPER_BACKEND"))
  return info.backend
}
