/** A seeded uniform generator in [0, 1) (mulberry32): the `prng` option of sampling and initialisation. */
export function makePrng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal draws (Box-Muller) from a uniform generator. */
export function normals(count: number, prng: () => number): Float32Array {
  const out = new Float32Array(count)
  for (let i = 0; i < count; i += 2) {
    const u = 1 - prng()
    const v = prng()
    const r = Math.sqrt(-2 * Math.log(u))
    out[i] = r * Math.cos(2 * Math.PI * v)
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v)
  }
  return out
}

/** Fisher-Yates shuffle of the first `count` entries of `indices`, in place. */
export function shuffleInPlace(indices: Int32Array, prng: () => number): Int32Array {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(prng() * (i + 1))
    const t = indices[i]
    indices[i] = indices[j]
    indices[j] = t
  }
  return indices
}
