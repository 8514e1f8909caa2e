/** Where two JSON values differ, as field paths (`optimizer.learningRate`, `chips.scales[1].factor`). */
export interface Difference {
  readonly field: string
  readonly saved: unknown
  readonly current: unknown
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
}

/**
 * Every leaf where `current` differs from `saved` (an absent field compares as undefined), depth first in
 * `saved`'s key order, then fields only `current` has. Arrays of different lengths differ as a whole.
 */
export function configDifferences(saved: unknown, current: unknown): Array<Difference> {
  return differencesAt("", saved, current)
}

function differencesAt(field: string, saved: unknown, current: unknown): Array<Difference> {
  if (Array.isArray(saved) && Array.isArray(current) && saved.length === current.length) {
    return saved.flatMap((v, i) => differencesAt(`${field}[${i}]`, v, current[i]))
  }
  if (isRecord(saved) && isRecord(current)) {
    const keys = [...Object.keys(saved), ...Object.keys(current).filter((k) => !(k in saved))]
    return keys.flatMap((k) => differencesAt(field === "" ? k : `${field}.${k}`, saved[k], current[k]))
  }
  return JSON.stringify(saved) === JSON.stringify(current) ? [] : [{ field, saved, current }]
}

/** "seed is 99 here but 1 in config.json", for messages. */
export function describeDifference(d: Difference, file: string): string {
  const show = (v: unknown) => (v === undefined ? "absent" : JSON.stringify(v))
  return `${d.field === "" ? "the configuration" : d.field} is ${show(d.current)} here but ${show(d.saved)} in ${file}`
}
