import { availableParallelism, freemem } from "node:os"

/**
 * The default number of step workers: one per core the machine offers, lowered so that `bytesPerWorker` each
 * (a worker's peak: its engine heap plus its JS heap, as the bench prints them) fit in the free memory with
 * `reserveBytes` (default 1 GiB) left for the main thread. Never below 1 (1: the in-process runner).
 */
export function defaultWorkerCount(options: {
  readonly bytesPerWorker: number
  readonly reserveBytes?: number | undefined
  /** Default: os.availableParallelism(). */
  readonly cores?: number | undefined
  /** Default: os.freemem(). */
  readonly freeBytes?: number | undefined
}): number {
  if (!(options.bytesPerWorker > 0))
    throw new RangeError(
      `Cannot size the worker pool: bytesPerWorker must be positive, current value is ${options.bytesPerWorker}`,
    )
  const cores = options.cores ?? availableParallelism()
  const room = (options.freeBytes ?? freemem()) - (options.reserveBytes ?? 2 ** 30)
  return Math.max(1, Math.min(cores, Math.floor(room / options.bytesPerWorker)))
}
