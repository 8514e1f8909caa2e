/** Test-only: child processes of `child_fixtures.ts`, and the id of a process that has ended. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("./child_fixtures.ts", import.meta.url))

/** Starts the child in `mode` on `path`; resolves once it has printed `lines` lines. */
export async function startChild(mode: "lock" | "write", path: string, lines = 1): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, mode, path], { stdio: ["ignore", "pipe", "inherit"] })
  let seen = 0
  await new Promise<void>((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`child ${mode} exited early with code ${code}`)))
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString().split("\n").filter(Boolean).length
      if (seen >= lines) resolve()
    })
  })
  return child
}

/** Kills the child with SIGKILL (no cleanup can run) and waits until it is reaped. */
export async function killChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve))
  child.kill("SIGKILL")
  await exited
}

/** The pid of a process that ran and has ended (reaped). */
export function deadPid(): number {
  const out = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" })
  return Number(out.stdout)
}
