/**
 * Sorting helpers for the NMS family: LSD radix argsorts on 32-bit keys (no comparator calls), exact where exactness
 * matters (score order), monotone where only bounds matter (coordinates searched with a slack).
 */

import { checkScoresNotNaN } from "./_check.ts"

/**
 * 32-bit keys ordered as `values` rounded to float32: key(a) < key(b) iff fround(a) < fround(b), equal keys iff
 * equal rounded values (-0 counts as +0, including tiny negatives that round to -0).
 */
export function float32Keys(values: ArrayLike<number>, n: number, stride = 1, offset = 0): Uint32Array {
  const f = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const v = Math.fround(values[i * stride + offset])
    f[i] = v === 0 ? 0 : v
  }
  const u = new Uint32Array(f.buffer)
  for (let i = 0; i < n; i++) {
    const bits = u[i]
    u[i] = bits & 0x80000000 ? ~bits : bits | 0x80000000
  }
  return u
}

/** Stable ascending argsort of `keys` (LSD radix, 11-bit digits): ties keep index order. Skips uniform digits. */
export function radixArgsort(keys: Uint32Array): Int32Array {
  const n = keys.length
  let src: Int32Array = new Int32Array(n)
  for (let i = 0; i < n; i++) src[i] = i
  let dst: Int32Array = new Int32Array(n)
  const count = new Int32Array(2048)
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0)
    for (let i = 0; i < n; i++) count[(keys[i] >>> shift) & 2047]++
    if (n === 0 || count[(keys[0] >>> shift) & 2047] === n) continue
    let sum = 0
    for (let d = 0; d < 2048; d++) {
      const c = count[d]
      count[d] = sum
      sum += c
    }
    for (let i = 0; i < n; i++) {
      const j = src[i]
      dst[count[(keys[j] >>> shift) & 2047]++] = j
    }
    const t = src
    src = dst
    dst = t
  }
  return src
}

/** Indices 0..n-1 sorted by score, highest first; equal scores keep index order. Throws on NaN scores. */
export function scoreOrder(scores: ArrayLike<number>, verb: string): Int32Array {
  const n = scores.length
  checkScoresNotNaN(scores, verb)
  const keys = float32Keys(scores, n)
  for (let i = 0; i < n; i++) keys[i] = ~keys[i]
  const order = radixArgsort(keys)
  if (scores instanceof Float32Array) return order
  // Scores finer than float32 can share a key: order each such run exactly (a stable sort keeps index order).
  for (let start = 0; start < n; ) {
    let end = start + 1
    while (end < n && keys[order[end]] === keys[order[start]]) end++
    if (end - start > 1) {
      const run = order.subarray(start, end)
      run.sort((a, b) => scores[b] - scores[a] || a - b)
    }
    start = end
  }
  return order
}
