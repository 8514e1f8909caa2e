import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const main = fileURLToPath(new URL("./main.ts", import.meta.url))

/** Runs `sniper ARGS` in a child process on the Node that runs the caller (for tests). */
export function runCli(args: ReadonlyArray<string>, options: { readonly timeoutMs?: number } = {}) {
  const out = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", timeout: options.timeoutMs ?? 120_000 })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr }
}
