/** Bench support: writes a train2017-like instances file (polygons, areas, crowd flags, urls) of any size, streamed to disk. */
import { closeSync, openSync, writeSync } from "node:fs"
import { Prng } from "@sniper/random"

/** Writes `images` image records and `boxes` annotations with COCO's key order and formatting; returns the bytes. */
export function writeBigInstances(path: string, options: { images: number; boxes: number; seed?: number }): number {
  const random = new Prng([options.seed ?? 2017]).asFunction()
  const fd = openSync(path, "w")
  let bytes = 0
  let out = ""
  const flush = (force: boolean) => {
    if (!force && out.length < 1 << 20) return
    bytes += writeSync(fd, out)
    out = ""
  }
  try {
    out += '{"info": {"description": "synthetic train2017-sized set", "year": 2017}, '
    out +=
      '"licenses": [{"url": "http://creativecommons.org/licenses/by-nc-sa/2.0/", "id": 1, "name": "x"}], "images": ['
    for (let i = 0; i < options.images; i++) {
      const name = String(i + 1).padStart(12, "0")
      const width = 320 + Math.floor(random() * 320)
      const height = 240 + Math.floor(random() * 400)
      out += `${i ? ", " : ""}{"license": 1, "file_name": "${name}.jpg", "coco_url": "http://images.cocodataset.org/train2017/${name}.jpg", "height": ${height}, "width": ${width}, "date_captured": "2013-11-14 11:18:45", "flickr_url": "http://farm4.staticflickr.com/3/${i}_0123456789.jpg", "id": ${i + 1}}`
      flush(false)
    }
    out += '], "annotations": ['
    for (let a = 0; a < options.boxes; a++) {
      const image = 1 + Math.floor(random() * options.images)
      const x = +(random() * 300).toFixed(2)
      const y = +(random() * 200).toFixed(2)
      const w = +(1 + random() * 200).toFixed(2)
      const h = +(1 + random() * 200).toFixed(2)
      const polygon: string[] = []
      for (let k = 8 + Math.floor(random() * 24); k > 0; k--) {
        polygon.push((x + random() * w).toFixed(2), (y + random() * h).toFixed(2))
      }
      const crowd = random() < 0.01 ? 1 : 0
      const category = 1 + Math.floor(random() * 80)
      out += `${a ? ", " : ""}{"segmentation": [[${polygon.join(", ")}]], "area": ${(w * h * 0.6).toFixed(4)}, "iscrowd": ${crowd}, "image_id": ${image}, "bbox": [${x}, ${y}, ${w}, ${h}], "category_id": ${category}, "id": ${a + 1}}`
      flush(false)
    }
    out += '], "categories": ['
    for (let c = 1; c <= 80; c++)
      out += `${c > 1 ? ", " : ""}{"supercategory": "thing", "id": ${c}, "name": "class${c}"}`
    out += "]}"
    flush(true)
  } finally {
    closeSync(fd)
  }
  return bytes
}
