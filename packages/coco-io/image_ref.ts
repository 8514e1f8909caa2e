import type { Dataset } from "./dataset.ts"
import type { ImageRef } from "./image_decode.ts"

/** The image of `row` in a loaded data set, as `decodeImage` and `readChips` take it (sizes checked on decode). */
export function imageRefOf(dataset: Dataset, row: number): ImageRef {
  if (!Number.isInteger(row) || row < 0 || row >= dataset.images.count) {
    throw new RangeError(`Cannot find image: row must be in [0, ${dataset.images.count}), current value is ${row}`)
  }
  const { id, fileName, width, height } = dataset.images
  return { imageId: id[row], fileName: fileName[row], width: width[row], height: height[row] }
}
