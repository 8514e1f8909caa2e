/**
 * A COCO instances file held as columns of typed arrays. Rows of `annotations` are grouped by image (image row
 * order), keeping file order within an image, as pycocotools' `getAnnIds` returns them.
 */
export interface Dataset {
  /** The file it came from, for messages. */
  readonly source: string
  /** Rows in file order; width and height in pixels of the stored image. */
  readonly images: {
    readonly count: number
    readonly id: Float64Array
    readonly width: Int32Array
    readonly height: Int32Array
    readonly fileName: ReadonlyArray<string>
  }
  /** Row = contiguous category index, sorted by COCO category id. */
  readonly categories: { readonly count: number; readonly id: Int32Array; readonly name: ReadonlyArray<string> }
  readonly annotations: {
    readonly count: number
    readonly id: Float64Array
    /** Image row. */
    readonly image: Int32Array
    /** Contiguous category index. */
    readonly category: Int32Array
    /** [x, y, width, height] in pixels as in the file, 4 numbers a box. */
    readonly bbox: Float64Array
    /** The file's `area` (mask area), or the box area when the file has none. */
    readonly area: Float64Array
    /** 1 for crowd regions, which detectors treat as ignore regions. */
    readonly iscrowd: Uint8Array
  }
  /** images.count + 1 offsets: the annotations of image row i are rows [imageStart[i], imageStart[i + 1]). */
  readonly imageStart: Int32Array
  /** Annotations left out because their box has zero width or height (0 when loaded with `keepZeroArea`). */
  readonly zeroAreaDropped: number
  /** Image row of a COCO image id, -1 when unknown. */
  imageRow(imageId: number): number
  /** Contiguous index of a COCO category id, -1 when unknown. */
  categoryRow(categoryId: number): number
}

/** Detections of a COCO results file, as columns; rows in file order. */
export interface Detections {
  readonly count: number
  /** Image row in the dataset the results were read against. */
  readonly image: Int32Array
  /** Contiguous category index. */
  readonly category: Int32Array
  /** [x, y, width, height] in pixels, 4 numbers a detection. */
  readonly bbox: Float64Array
  readonly score: Float64Array
}
