/**
 * A small seeded pseudo-random generator (sfc32) whose state comes from a hash of integer keys, so the
 * chips of one image in one epoch depend only on (seed, epoch, image), never on the order images are visited.
 */
export class Prng {
  #a: number
  #b: number
  #c: number
  #d: number

  /** State from `keys` (safe integers, e.g. seed, epoch, image id): equal keys give equal sequences. */
  constructor(keys: ReadonlyArray<number>) {
    let h = 0x811c9dc5
    for (const key of keys) {
      if (!Number.isSafeInteger(key)) {
        throw new RangeError(`Cannot seed generator: keys must be safe integers, current value is ${key}`)
      }
      const high = Math.floor(key / 4294967296)
      const low = key - high * 4294967296
      h = mix(h ^ low)
      h = mix((h + 0x9e3779b9) ^ (high >>> 0))
    }
    this.#a = mix(h ^ 0x243f6a88)
    this.#b = mix(h ^ 0x85a308d3)
    this.#c = mix(h ^ 0x13198a2e)
    this.#d = 1
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  /** Next integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return t >>> 0
  }

  /** Next float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** A uniform integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number {
    if (!(Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && lo <= hi)) {
      throw new RangeError(`Cannot draw integer: need integers lo <= hi, current value is [${lo}, ${hi}]`)
    }
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** Uniform on a log scale in [lo, hi), both positive. */
  logUniform(lo: number, hi: number): number {
    return Math.exp(this.uniform(Math.log(lo), Math.log(hi)))
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: ReadonlyArray<T>): T {
    return items[Math.floor(this.next() * items.length)]
  }

  /** Shuffles `values` in place (Fisher-Yates), every order equally likely. */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
    return shuffleInPlace(values, () => this.next())
  }

  /** This generator as a plain `() => number` in [0, 1), for code that takes a uniform source. */
  asFunction(): () => number {
    return () => this.next()
  }
}

/** Fisher-Yates shuffle of `values` in place with uniform draws from `next`. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(values: T, next: () => number): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    const t = values[i]
    values[i] = values[j]
    values[j] = t
  }
  return values
}

/** `count` standard normal draws (Box-Muller) from uniform draws of `next`. */
export function normals(count: number, next: () => number): Float32Array {
  const out = new Float32Array(count)
  for (let i = 0; i < count; i += 2) {
    const u = 1 - next()
    const v = next()
    const r = Math.sqrt(-2 * Math.log(u))
    out[i] = r * Math.cos(2 * Math.PI * v)
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v)
  }
  return out
}

function mix(x: number): number {
  let h = x >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}
