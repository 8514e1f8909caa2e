/** pycocotools' default `Params` for `iouType="bbox"`, computed with numpy's linspace arithmetic so thresholds agree bit for bit. */

function linspace(start: number, stop: number, num: number): Float64Array {
  // numpy: step = (stop - start) / (num - 1); y = i * step + start; y[-1] = stop
  const step = (stop - start) / (num - 1)
  const out = new Float64Array(num)
  for (let i = 0; i < num; i++) out[i] = i * step + start
  out[num - 1] = stop
  return out
}

/** Area range, in square pixels of the annotation `area` field, both ends inclusive. */
export type AreaRange = readonly [lo: number, hi: number]

/** The evaluation grid: T IoU thresholds, R recall thresholds, A area ranges, M detection caps. */
export interface CocoParams {
  readonly iouThresholds: Float64Array
  readonly recallThresholds: Float64Array
  readonly areaRanges: ReadonlyArray<AreaRange>
  readonly areaLabels: ReadonlyArray<string>
  readonly maxDets: ReadonlyArray<number>
}

/** IoU .50:.05:.95, recall 0:.01:1, areas all/small/medium/large, maxDets 1/10/100. */
export const cocoBboxParams: CocoParams = {
  iouThresholds: linspace(0.5, 0.95, 10),
  recallThresholds: linspace(0, 1, 101),
  areaRanges: [
    [0, 1e10],
    [0, 32 ** 2],
    [32 ** 2, 96 ** 2],
    [96 ** 2, 1e10],
  ],
  areaLabels: ["all", "small", "medium", "large"],
  maxDets: [1, 10, 100],
}
