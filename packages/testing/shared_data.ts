import { existsSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The optional real-data folder (COCO annotations and images) some tests and benches read: `SNIPER_SHARED_DATA`,
 * else `shared/data` in the folder that holds the repository, where CI puts it. Most checkouts have neither, so
 * tests that read it must skip when this returns undefined.
 */
export function sharedData(relative = ""): string | undefined {
  const root = process.env.SNIPER_SHARED_DATA ?? resolve(fileURLToPath(import.meta.url), "../../../../shared/data")
  const path = join(root, relative)
  return existsSync(path) ? path : undefined
}

/** Like `sharedData`, but prints why a test is skipped, so a skip is never silent. */
export function sharedDataOrSkip(relative: string, who: string): string | undefined {
  const path = sharedData(relative)
  if (path === undefined)
    console.warn(`[skip] ${who}: ${relative} is absent from the real-data folder (set SNIPER_SHARED_DATA)`)
  return path
}
