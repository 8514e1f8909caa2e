import { assert, describe, it } from "@effect/vitest"
import { epochCount, formatAmount } from "./format.ts"

describe("formatAmount()", () => {
  it("writes counts under 100000 as they are", () => {
    assert.strictEqual(formatAmount(0), "0")
    assert.strictEqual(formatAmount(7), "7")
    assert.strictEqual(formatAmount(99999), "99999")
    assert.strictEqual(formatAmount(2.5), "2.5")
  })
  it("writes larger amounts with three significant digits", () => {
    assert.strictEqual(formatAmount(100000), "1.00e+5")
    assert.strictEqual(formatAmount(1234567), "1.23e+6")
    // 16 chips of 128² px: 262144.
    assert.strictEqual(formatAmount(16 * 128 * 128), "2.62e+5")
    assert.strictEqual(formatAmount(9.999e9), "1.00e+10")
  })
})

describe("epochCount()", () => {
  it("is singular for one epoch only", () => {
    assert.strictEqual(epochCount(1), "1 epoch")
    assert.strictEqual(epochCount(0), "0 epochs")
    assert.strictEqual(epochCount(2), "2 epochs")
    assert.strictEqual(epochCount(7), "7 epochs")
  })
})
