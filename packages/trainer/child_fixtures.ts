/** Test-only: start and SIGKILL the child processes of `run_child_fixtures.ts`. */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("./run_child_fixtures.ts", import.meta.url))

/** Starts the child with `args`; resolves once `ready()` holds (polled) or it printed `lines` lines. */
export async function startChild(
  args: ReadonlyArray<string>,
  until: { readonly lines?: number; readonly ready?: () => boolean },
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] })
  let seen = 0
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (until.ready?.() === true) done()
    }, 20)
    const done = () => {
      clearInterval(timer)
      resolve()
    }
    child.on("exit", (code) => {
      clearInterval(timer)
      reject(new Error(`child ${args[0]} exited early with code ${code}`))
    })
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString().split("\n").filter(Boolean).length
      if (until.lines !== undefined && seen >= until.lines) done()
    })
  })
  return child
}

/** Kills the child with SIGKILL (no finalizer runs) and waits until it is reaped. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once("exit", resolve))
  child.kill("SIGKILL")
  await exited
}
