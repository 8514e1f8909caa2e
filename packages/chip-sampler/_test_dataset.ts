import type { Dataset } from "@sniper/coco-io"

/** A small in-memory `Dataset` for tests: images as [id, width, height], annotations as [image id, x, y, w, h, crowd]. */
export function testDataset(
  images: ReadonlyArray<readonly [number, number, number]>,
  annotations: ReadonlyArray<readonly [number, number, number, number, number, number?]>,
): Dataset {
  const rowOf = new Map(images.map(([id], row) => [id, row]))
  const sorted = [...annotations].sort((a, b) => rowOf.get(a[0])! - rowOf.get(b[0])!)
  const imageStart = new Int32Array(images.length + 1)
  for (const a of sorted) imageStart[rowOf.get(a[0])! + 1]++
  for (let i = 0; i < images.length; i++) imageStart[i + 1] += imageStart[i]
  return {
    source: "test.json",
    images: {
      count: images.length,
      id: Float64Array.from(images, (i) => i[0]),
      width: Int32Array.from(images, (i) => i[1]),
      height: Int32Array.from(images, (i) => i[2]),
      fileName: images.map(([id]) => `${id}.jpg`),
    },
    categories: { count: 1, id: Int32Array.of(1), name: ["thing"] },
    annotations: {
      count: sorted.length,
      id: Float64Array.from(sorted, (_, k) => k + 1),
      image: Int32Array.from(sorted, (a) => rowOf.get(a[0])!),
      category: new Int32Array(sorted.length),
      bbox: Float64Array.from(sorted.flatMap((a) => [a[1], a[2], a[3], a[4]])),
      area: Float64Array.from(sorted, (a) => a[3] * a[4]),
      iscrowd: Uint8Array.from(sorted, (a) => a[5] ?? 0),
    },
    imageStart,
    zeroAreaDropped: 0,
    imageRow: (id) => rowOf.get(id) ?? -1,
    categoryRow: (id) => (id === 1 ? 0 : -1),
  }
}
