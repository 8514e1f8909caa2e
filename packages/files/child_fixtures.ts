/**
 * Test-only child process, killed by its test with SIGKILL:
 * `lock <path>` takes the lock file and prints "locked"; `write <path>` rewrites the file atomically in a loop
 * (version k: 2 MiB of the byte k % 256 after a line "k"), printing k after each write.
 */
import { Effect } from "effect"
import { writeFileAtomic } from "./atomic_write.ts"
import { acquireLockFile } from "./lock_file.ts"

const [mode, path] = process.argv.slice(2)
if (mode === "lock") {
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        yield* acquireLockFile(path)
        process.stdout.write("locked\n")
        // Effect.never holds no handle: keep the process alive until it is killed
        setInterval(() => {}, 60_000)
        yield* Effect.never
      }),
    ),
  )
} else {
  for (let k = 1; ; k++) {
    const body = new Uint8Array(2 * 1024 * 1024).fill(k % 256)
    await Effect.runPromise(writeFileAtomic(path, [new TextEncoder().encode(`${k}\n`), body]))
    process.stdout.write(`${k}\n`)
  }
}
