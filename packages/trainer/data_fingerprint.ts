/**
 * What identifies a run's data beside its configuration: a SHA-256 of each split's annotation file and its image
 * count. Kept in the run folder's data.json, so that a resumed run notices data changed under the same path.
 */

import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import type { Dataset } from "@sniper/coco-io"
import { Effect } from "effect"
import { RunFileError } from "./errors.ts"

export interface SplitFingerprint {
  readonly annotations: string
  readonly sha256: string
  readonly images: number
}

export interface DataFingerprint {
  readonly train: SplitFingerprint
  readonly val?: SplitFingerprint | undefined
}

/** SHA-256 of a file's bytes, streamed, as hex. */
export const sha256File = Effect.fn("sha256File")(function* (path: string) {
  return yield* Effect.tryPromise({
    try: async () => {
      const hash = createHash("sha256")
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
      return hash.digest("hex")
    },
    catch: (cause) => new RunFileError({ path, problem: cause instanceof Error ? cause.message : String(cause) }),
  })
})

/** The fingerprint of one loaded split. */
export const splitFingerprint = Effect.fn("splitFingerprint")(function* (dataset: Dataset) {
  return {
    annotations: dataset.source,
    sha256: yield* sha256File(dataset.source),
    images: dataset.images.count,
  } satisfies SplitFingerprint
})

/** Sentences naming each split whose annotation file or image count changed (empty when the data is the same). */
export function fingerprintChanges(saved: DataFingerprint, current: DataFingerprint): Array<string> {
  const changes: Array<string> = []
  for (const split of ["train", "val"] as const) {
    const a = saved[split]
    const b = current[split]
    if (a === undefined && b === undefined) continue
    if (a === undefined || b === undefined) {
      changes.push(
        `the ${split} split was ${a === undefined ? "absent" : `"${a.annotations}"`} then, is ${b === undefined ? "absent" : `"${b.annotations}"`} now`,
      )
      continue
    }
    if (a.sha256 !== b.sha256 || a.images !== b.images) {
      changes.push(
        `the ${split} annotations "${b.annotations}" changed since the run started (${a.images} images, sha256 ${a.sha256.slice(0, 12)}… then; ${b.images} images, sha256 ${b.sha256.slice(0, 12)}… now)`,
      )
    }
  }
  return changes
}
