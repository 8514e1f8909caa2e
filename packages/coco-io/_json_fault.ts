/**
 * Where JSON.parse fails in a text, in UTF-16 characters, and why, in V8's words without the quoted input.
 * V8 names a position for most faults but not for an unexpected token (`NaN`, `tru`, `[1,]`); for those the
 * earliest failing prefix is found by bisection: a prefix that stops before the fault fails only for ending early.
 */
export function jsonFault(text: string, error: unknown): { readonly at: number; readonly problem: string } {
  const message = error instanceof Error ? error.message : String(error)
  const positioned = position(message)
  if (positioned !== undefined) return { at: Math.min(positioned, text.length), problem: clean(message) }
  let lo = 1
  let hi = text.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (failsBeforeEnd(text.slice(0, mid))) hi = mid
    else lo = mid + 1
  }
  return { at: Math.max(0, lo - 1), problem: clean(message) }
}

function position(message: string): number | undefined {
  const match = /at position (\d+)/.exec(message)
  return match === null ? undefined : Number(match[1])
}

/** True when the prefix holds a fault of its own, not just an early end. */
function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix)
    return false
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const at = position(message)
    if (at !== undefined) return at < prefix.length
    return !message.startsWith("Unexpected end of JSON input")
  }
}

/**
 * Drops V8's position ("in JSON at position 5", "... after JSON at position 8") and quoted input
 * (`Unexpected token 'N', "...": [0, N" is not valid JSON`).
 */
function clean(message: string): string {
  const token = /^(Unexpected token '.*?'),/.exec(message)
  if (token !== null) return token[1]
  const text = message.replace(/( in JSON)? at position \d+( \(line \d+ column \d+\))?/, "")
  return text.length > 160 ? `${text.slice(0, 160)}...` : text
}
