import type { Dataset } from "@sniper/coco-io"

/**
 * A small in-memory `Dataset` for tests: images as [id, width, height], annotations as
 * [image id, x, y, w, h, crowd, category row] (crowd and category default to 0).
 */
export function testDataset(
  images: ReadonlyArray<readonly [number, number, number]>,
  annotations: ReadonlyArray<readonly [number, number, number, number, number, number?, number?]>,
): Dataset {
  const rowOf = new Map(images.map(([id], row) => [id, row]))
  const sorted = [...annotations].sort((a, b) => rowOf.get(a[0])! - rowOf.get(b[0])!)
  const imageStart = new Int32Array(images.length + 1)
  for (const a of sorted) imageStart[rowOf.get(a[0])! + 1]++
  for (let i = 0; i < images.length; i++) imageStart[i + 1] += imageStart[i]
  const categories = 1 + annotations.reduce((m, a) => Math.max(m, a[6] ?? 0), 0)
  return {
    source: "test.json",
    images: {
      count: images.length,
      id: Float64Array.from(images, (i) => i[0]),
      width: Int32Array.from(images, (i) => i[1]),
      height: Int32Array.from(images, (i) => i[2]),
      fileName: images.map(([id]) => `${id}.jpg`),
    },
    categories: {
      count: categories,
      id: Int32Array.from({ length: categories }, (_, k) => k + 1),
      name: Array.from({ length: categories }, (_, k) => `thing ${k + 1}`),
    },
    annotations: {
      count: sorted.length,
      id: Float64Array.from(sorted, (_, k) => k + 1),
      image: Int32Array.from(sorted, (a) => rowOf.get(a[0])!),
      category: Int32Array.from(sorted, (a) => a[6] ?? 0),
      bbox: Float64Array.from(sorted.flatMap((a) => [a[1], a[2], a[3], a[4]])),
      area: Float64Array.from(sorted, (a) => a[3] * a[4]),
      iscrowd: Uint8Array.from(sorted, (a) => a[5] ?? 0),
    },
    imageStart,
    zeroAreaDropped: 0,
    imageRow: (id) => rowOf.get(id) ?? -1,
    categoryRow: (id) => (Number.isInteger(id) && id >= 1 && id <= categories ? id - 1 : -1),
  }
}
