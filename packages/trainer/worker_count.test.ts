import { assert, describe, it } from "@effect/vitest"
import { defaultWorkerCount } from "./worker_count.ts"

const GiB = 2 ** 30

describe("defaultWorkerCount()", () => {
  it("defaultWorkerCount() takes one worker per core when memory holds them, fewer when it does not, never 0", () => {
    // 16 GiB free - 1 GiB reserve = 15 GiB: 3 workers of 4.25 GiB (12.75), not 4 (17).
    assert.strictEqual(defaultWorkerCount({ bytesPerWorker: 4.25 * GiB, cores: 16, freeBytes: 16 * GiB }), 3)
    assert.strictEqual(defaultWorkerCount({ bytesPerWorker: 0.25 * GiB, cores: 2, freeBytes: 16 * GiB }), 2)
    assert.strictEqual(defaultWorkerCount({ bytesPerWorker: 4 * GiB, cores: 8, freeBytes: 2 * GiB }), 1)
    assert.strictEqual(
      defaultWorkerCount({ bytesPerWorker: GiB, cores: 8, freeBytes: 5 * GiB, reserveBytes: 3 * GiB }),
      2,
    )
    assert.isAtLeast(defaultWorkerCount({ bytesPerWorker: GiB }), 1)
  })

  it("defaultWorkerCount() refuses a worker size that is not positive", () => {
    assert.throws(
      () => defaultWorkerCount({ bytesPerWorker: 0 }),
      /bytesPerWorker must be positive, current value is 0/,
    )
  })
})
