/**
 * The columns the evaluator reads. Structural subsets of @sniper/coco-io's `Dataset` and `Detections`, so either
 * can be passed as is, and tests can build small cases by hand. Boxes are xywh in image pixels, as in COCO files.
 */

/** Ground truth: image rows, categories (row = contiguous index), annotations referring to both by row. */
export interface EvalGroundTruth {
  readonly images: { readonly count: number; readonly id: Float64Array }
  readonly categories: { readonly count: number; readonly id: Int32Array; readonly name: ReadonlyArray<string> }
  readonly annotations: {
    readonly count: number
    readonly image: Int32Array
    readonly category: Int32Array
    /** xywh, 4 numbers an annotation */
    readonly bbox: Float64Array
    /** the annotation's `area` field (square pixels): it, not the box, decides the area range */
    readonly area: Float64Array
    readonly iscrowd: Uint8Array
  }
}

/** A results file: one row a detection, `image` an image row and `category` a contiguous index of the ground truth. */
export interface EvalDetections {
  readonly count: number
  readonly image: Int32Array
  readonly category: Int32Array
  /** xywh, 4 numbers a detection */
  readonly bbox: Float64Array
  readonly score: Float64Array
}
