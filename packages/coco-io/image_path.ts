import { realpath } from "node:fs/promises"
import { isAbsolute, join, normalize, relative, sep } from "node:path"
import { Effect } from "effect"
import { BadImage } from "./image_error.ts"

function escapes(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)
}

/**
 * The real path of an image's file, refused unless it stays inside `root`: no absolute or drive paths, no `..`
 * that climbs out, no symlink (of the file or of a folder on the way) that resolves outside the real root.
 */
export const resolveImagePath = Effect.fn("resolveImagePath")(function* (
  root: string,
  image: { readonly imageId: number; readonly fileName: string },
) {
  const { imageId, fileName } = image
  const refuse = (detail: string) => new BadImage({ imageId, file: fileName, reason: "outside-root", detail })
  if (fileName.length === 0) return yield* refuse("file_name is empty")
  if (fileName.includes("\0")) return yield* refuse("file_name contains a NUL byte")
  if (isAbsolute(fileName) || /^[A-Za-z]:/.test(fileName) || fileName.startsWith("\\")) {
    return yield* refuse("file_name is an absolute path")
  }
  const lexical = normalize(fileName)
  if (lexical === ".." || lexical.startsWith(`..${sep}`) || lexical.split(/[\\/]/).includes("..")) {
    return yield* refuse(`file_name climbs out of the image folder with ".."`)
  }
  const realRoot = yield* Effect.tryPromise({
    try: () => realpath(root),
    catch: (cause) =>
      new BadImage({ imageId, file: fileName, reason: "missing", detail: `image folder "${root}" ${why(cause)}` }),
  })
  const real = yield* Effect.tryPromise({
    try: () => realpath(join(realRoot, lexical)),
    catch: (cause) =>
      new BadImage({
        imageId,
        file: fileName,
        reason: isCode(cause, "EACCES") ? "unreadable" : "missing",
        detail: `${join(root, lexical)} ${why(cause)}`,
      }),
  })
  if (escapes(realRoot, real)) return yield* refuse(`a symlink leads out of the image folder to ${real}`)
  return real
})

function isCode(cause: unknown, code: string): boolean {
  return typeof cause === "object" && cause !== null && (cause as { code?: unknown }).code === code
}

function why(cause: unknown): string {
  if (isCode(cause, "ENOENT")) return "does not exist"
  if (isCode(cause, "EACCES")) return "is not readable (permission denied)"
  if (isCode(cause, "ELOOP")) return "is a symlink loop"
  return `cannot be resolved (${cause instanceof Error ? cause.message : String(cause)})`
}
