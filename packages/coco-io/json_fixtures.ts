/** Small COCO files written to a temp folder for tests and benches. */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** A fresh temp folder. */
export function tempDir(prefix = "coco-io-"): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Writes `content` (an object is JSON-encoded) to `name` in `dir`; returns the path. */
export function writeJson(dir: string, name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content))
  return path
}

/** A tiny instances file: 3 images in file order 30, 10, 20; categories listed out of id order. */
export function tinyInstances() {
  return {
    info: { description: "tiny" },
    images: [
      { id: 30, width: 640, height: 480, file_name: "c.jpg" },
      { id: 10, width: 100, height: 200, file_name: "a.jpg" },
      { id: 20, width: 300, height: 300, file_name: "b.jpg" },
    ],
    annotations: [
      { id: 5, image_id: 10, category_id: 18, bbox: [1, 2, 3, 4], area: 10, iscrowd: 0, segmentation: [[1, 2, 3]] },
      { id: 1, image_id: 30, category_id: 1, bbox: [0, 0, 10, 10], area: 80, iscrowd: 1 },
      { id: 7, image_id: 10, category_id: 1, bbox: [5, 5, 0, 4], area: 0, iscrowd: 0 },
      { id: 2, image_id: 10, category_id: 90, bbox: [10.5, 20.25, 30, 40] },
      { id: 3, image_id: 30, category_id: 18, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0 },
    ],
    categories: [
      { id: 90, name: "toothbrush", supercategory: "indoor" },
      { id: 1, name: "person", supercategory: "person" },
      { id: 18, name: "dog", supercategory: "animal" },
    ],
  }
}
