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

/** A worker's peak memory for a detector depth, as the bench measured it: ResNet-50/101 with a 512 px chip fill
 * ~2.6 GB of wasm heap; the small ResNets stay near 0.2 GB (rounded up for larger chips). */
export function workerBytes(depth: number): number {
  return depth >= 50 ? 3 * 2 ** 30 : 2 ** 29
}

/** The number of step workers a run uses: its configured `workers`, else the machine's default for its depth. */
export function workersFor(config: {
  readonly workers?: number | undefined
  readonly detector: { readonly backbone: { readonly depth: number } }
}): number {
  return config.workers ?? defaultWorkerCount({ bytesPerWorker: workerBytes(config.detector.backbone.depth) })
}
