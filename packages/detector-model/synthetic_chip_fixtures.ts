/** Test-only: chips of coloured rectangles and discs on a noisy grey background, with their boxes. */
import type { ChipTruth } from "@sniper/boxes"
import { Prng } from "@sniper/random"

const colours: ReadonlyArray<readonly [number, number, number]> = [
  [1, -0.8, -0.8],
  [-0.8, 1, -0.8],
  [-0.8, -0.8, 1],
]

/** `count` chips of `size` px, each with 1-3 objects of categories 0..2 (category = colour; odd chips use discs). */
export function syntheticChips(
  count: number,
  size: number,
  seed: number,
): { readonly pixels: Float32Array; readonly truths: Array<ChipTruth> } {
  const prng = new Prng([seed]).asFunction()
  const pixels = new Float32Array(count * size * size * 3)
  const truths: Array<ChipTruth> = []
  for (let c = 0; c < count; c++) {
    const base = c * size * size * 3
    for (let i = 0; i < size * size * 3; i++) pixels[base + i] = 0.1 * (prng() - 0.5)
    const objects = 1 + Math.floor(prng() * 3)
    const boxes: Array<number> = []
    const categories: Array<number> = []
    for (let o = 0; o < objects; o++) {
      const w = Math.round(size * (0.2 + 0.3 * prng()))
      const h = Math.round(size * (0.2 + 0.3 * prng()))
      const x1 = Math.floor(prng() * (size - w))
      const y1 = Math.floor(prng() * (size - h))
      const category = (c + o) % 3
      const disc = (c + o) % 2 === 1
      for (let y = y1; y < y1 + h; y++)
        for (let x = x1; x < x1 + w; x++) {
          const dx = (x + 0.5 - x1 - w / 2) / (w / 2)
          const dy = (y + 0.5 - y1 - h / 2) / (h / 2)
          if (disc && dx * dx + dy * dy > 1) continue
          pixels.set(colours[category], base + (y * size + x) * 3)
        }
      boxes.push(x1, y1, x1 + w, y1 + h)
      categories.push(category)
    }
    truths.push({
      boxes: Float32Array.from(boxes),
      category: Int32Array.from(categories),
      valid: new Uint8Array(objects).fill(1),
    })
  }
  return { pixels, truths }
}
