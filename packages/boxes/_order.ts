/** Indices 0..n-1 sorted by score, highest first; equal scores keep index order. Throws on NaN scores. */
export function scoreOrder(scores: ArrayLike<number>, verb: string): Int32Array {
  const n = scores.length
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) {
      throw new RangeError(`Cannot ${verb}: scores must not be NaN, current value is NaN at index ${i}`)
    }
  }
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => scores[b] - scores[a] || a - b)
  return order
}
