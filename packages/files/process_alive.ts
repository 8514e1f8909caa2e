/**
 * Whether a process with this id runs on this host (signal 0 checks without sending anything; EPERM means it runs
 * under another user). A process killed but not yet reaped by its parent still counts as running.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (cause) {
    return (cause as { code?: string }).code === "EPERM"
  }
}
