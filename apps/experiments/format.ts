/** Numbers in log lines and tables. */

/** 1234567 as "1.23e+6"; counts under 100000 as they are. */
export function formatAmount(value: number): string {
  return value < 1e5 ? String(value) : value.toExponential(2)
}

/** "1 epoch", "7 epochs". */
export function epochCount(n: number): string {
  return `${n} epoch${n === 1 ? "" : "s"}`
}
