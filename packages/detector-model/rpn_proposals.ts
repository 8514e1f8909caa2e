import type * as tf from "@tensorflow/tfjs"
import type { ProposalSettings } from "./config.ts"
import type { Proposals } from "./proposals.ts"
import { selectProposals } from "./proposals.ts"

/** The proposal layer on every chip of a batch (reads the head outputs back; no gradient). */
export function rpnProposals(
  anchors: Float32Array,
  logits: tf.Tensor4D,
  deltas: tf.Tensor4D,
  options: {
    readonly imageWidth: number
    readonly imageHeight: number
    readonly settings: ProposalSettings
    readonly areaRanges?: ReadonlyArray<readonly [number, number] | undefined> | undefined
  },
): Array<Proposals> {
  const perChip = anchors.length / 4
  const scores = logits.dataSync() as Float32Array
  const d = deltas.dataSync() as Float32Array
  return Array.from({ length: logits.shape[0] }, (_, c) =>
    selectProposals(
      anchors,
      {
        scores: scores.subarray(c * perChip, (c + 1) * perChip),
        deltas: d.subarray(4 * c * perChip, 4 * (c + 1) * perChip),
      },
      {
        imageWidth: options.imageWidth,
        imageHeight: options.imageHeight,
        settings: options.settings,
        areaRange: options.areaRanges?.[c],
      },
    ),
  )
}
