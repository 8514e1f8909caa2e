/** Child processes for crash tests: start a script, wait until it is ready, SIGKILL it (no cleanup can run). */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"

/**
 * Runs `script` with `args` on this Node; resolves once it has printed `lines` lines, or once `ready()` holds
 * (polled every 20 ms); rejects if it exits before.
 */
export async function startChild(
  script: string,
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
      reject(new Error(`child ${args.join(" ")} exited early with code ${code}`))
    })
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString().split("\n").filter(Boolean).length
      if (until.lines !== undefined && seen >= until.lines) done()
    })
  })
  return child
}

/** Kills the child with SIGKILL and waits until it is reaped (a killed, unreaped child still looks alive). */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once("exit", resolve))
  child.kill("SIGKILL")
  await exited
}

/** The id of a process that ran and has ended (reaped). */
export function deadPid(): number {
  const out = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" })
  return Number(out.stdout)
}
