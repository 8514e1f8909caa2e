/**
 * A configuration given as changes to another: `--config` files are overlays on a preset, so a file holds only
 * what differs (`{ "epochs": 2 }`), and a run folder's whole config.json works as well.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/**
 * `overlay` laid over `base`, both JSON values: objects merge key by key, arrays and scalars replace, and a
 * `null` in the overlay removes that key (to drop an optional field a preset sets, e.g. `"negatives": null`).
 * Neither argument is modified; keys are copied as own properties (a `__proto__` key stays a key, refused later
 * as an unknown field, instead of changing the result's prototype).
 */
export function overlayConfig(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(overlay)) return overlay
  const out: Record<string, unknown> = {}
  const put = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  if (isPlainObject(base)) for (const [key, value] of Object.entries(base)) put(key, value)
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) delete out[key]
    else put(key, overlayConfig(Object.hasOwn(out, key) ? out[key] : undefined, value))
  }
  return out
}
