import { existsSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The folder `../shared/data` beside the repository (CI lays it there), or `SNIPER_SHARED_DATA`.
 * Users do not have it, so tests that read it must skip when this returns undefined.
 */
export function sharedData(relative = ""): string | undefined {
  const root = process.env.SNIPER_SHARED_DATA ?? resolve(fileURLToPath(import.meta.url), "../../../../shared/data")
  const path = join(root, relative)
  return existsSync(path) ? path : undefined
}

/** Like `sharedData`, but prints why a test is skipped, so a skip is never silent. */
export function sharedDataOrSkip(relative: string, who: string): string | undefined {
  const path = sharedData(relative)
  if (path === undefined) console.warn(`[skip] ${who}: ../shared/data/${relative} is absent (set SNIPER_SHARED_DATA)`)
  return path
}
