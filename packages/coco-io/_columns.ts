/** A typed array that grows by doubling, for columns whose length is known only at the end of a file. */
type Typed = Float64Array | Int32Array | Uint8Array

export class Column<T extends Typed> {
  #data: T
  #length = 0
  readonly #make: (length: number) => T

  constructor(make: (length: number) => T, capacity = 1024) {
    this.#make = make
    this.#data = make(capacity)
  }

  get length(): number {
    return this.#length
  }

  push(value: number): void {
    if (this.#length === this.#data.length) this.#grow(this.#length + 1)
    this.#data[this.#length++] = value
  }

  /** Elements [0, length), trimmed to a fresh array of that length. */
  toArray(): T {
    const out = this.#make(this.#length)
    out.set(this.#data.subarray(0, this.#length))
    return out
  }

  #grow(minimum: number): void {
    const next = this.#make(Math.max(minimum, this.#data.length * 2))
    next.set(this.#data)
    this.#data = next
  }
}

export const float64 = (length: number): Float64Array => new Float64Array(length)
export const int32 = (length: number): Int32Array => new Int32Array(length)
export const uint8 = (length: number): Uint8Array => new Uint8Array(length)
