/**
 * xoshiro128** (Blackman and Vigna) seeded through splitmix32 from integer keys, e.g. (seed, image index):
 * equal keys give equal sequences, so each synthetic image depends only on its own keys.
 */
export class SynthPrng {
  #s = new Uint32Array(4)

  constructor(keys: ReadonlyArray<number>) {
    let h = 0x6a09e667
    for (const key of keys) {
      if (!Number.isSafeInteger(key)) {
        throw new RangeError(`Cannot seed generator: keys must be safe integers, current value is ${key}`)
      }
      h = splitmix32(h ^ (key >>> 0)) ^ splitmix32(Math.floor(key / 4294967296) >>> 0)
    }
    for (let i = 0; i < 4; i++) {
      h = splitmix32(h + i)
      this.#s[i] = h
    }
    if ((this.#s[0] | this.#s[1] | this.#s[2] | this.#s[3]) === 0) this.#s[0] = 1
  }

  /** Next integer in [0, 2^32). */
  nextUint32(): number {
    const s = this.#s
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0
    const t = s[1] << 9
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result
  }

  /** Next float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** Uniform on a log scale in [lo, hi), both positive. */
  logUniform(lo: number, hi: number): number {
    return Math.exp(this.uniform(Math.log(lo), Math.log(hi)))
  }

  /** Uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: ReadonlyArray<T>): T {
    return items[Math.floor(this.next() * items.length)]
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/** splitmix32 finaliser of `x + golden ratio`, as an unsigned 32-bit integer. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}
