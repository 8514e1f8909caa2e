import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const main = fileURLToPath(new URL("./main.ts", import.meta.url))

/** Runs `sniper ARGS` in a child process on the Node that runs the caller (for tests). */
export function runCli(
  args: ReadonlyArray<string>,
  options: {
    readonly timeoutMs?: number
    readonly cwd?: string
    /** Variables set on top of this process's environment. */
    readonly env?: Readonly<Record<string, string>>
  } = {},
) {
  const out = spawnSync(process.execPath, [main, ...args], {
    encoding: "utf8",
    timeout: options.timeoutMs ?? 120_000,
    cwd: options.cwd,
    env: options.env === undefined ? undefined : { ...process.env, ...options.env },
  })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr }
}

/** Starts `sniper ARGS` without waiting (for tests that signal it); standard error is collected as it comes. */
export function startCli(args: ReadonlyArray<string>): {
  readonly child: ChildProcess
  readonly stderr: () => string
  readonly exited: Promise<number | null>
} {
  const child = spawn(process.execPath, [main, ...args], { stdio: ["ignore", "pipe", "pipe"] })
  let stderr = ""
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  child.stdout?.resume()
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  return { child, stderr: () => stderr, exited }
}
