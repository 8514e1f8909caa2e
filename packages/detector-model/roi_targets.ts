import type { ChipTruth } from "@sniper/boxes"
import { encodeDeltas, iouMatrix } from "@sniper/boxes"
import { shuffleInPlace } from "@sniper/random"
import { classOfCategory, validBoxes } from "./chip_truth.ts"

/** RoI labelling of one chip. "reference": every RoI, the last slots replaced by the valid gt, labelled by the
 * max-IoU box among all gt (valid and ignored) when IoU > fgIou. "sampled": proposals plus valid gt, fg/bg sampled. */
export interface RoiTargetOptions {
  readonly labelling: "reference" | "sampled"
  readonly fgIou: number
  /** Most RoIs per chip: postNmsTopK in reference mode, the sample size in sampled mode. */
  readonly maxRois: number
  readonly fgFraction: number
  readonly boxWeights: readonly [number, number, number, number]
  readonly prng: () => number
}

/** RoIs (input px) with labels (0 = background, 1..K: category row + 1) and class-agnostic weighted deltas (fg only). */
export interface RoiTargets {
  readonly rois: Float32Array
  readonly labels: Int32Array
  readonly deltas: Float32Array
  readonly count: number
}

function pick(boxes: Float32Array, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(4 * indices.length)
  for (let k = 0; k < indices.length; k++) out.set(boxes.subarray(4 * indices[k], 4 * indices[k] + 4), 4 * k)
  return out
}

/** Labels one chip's proposals (x1, y1, x2, y2 in input px) for the RoI head. */
export function roiTargets(proposals: Float32Array, truth: ChipTruth, options: RoiTargetOptions): RoiTargets {
  const valid = validBoxes(truth)
  const nValid = valid.length / 4
  const nProposals = proposals.length / 4
  const keepProposals =
    options.labelling === "reference" ? Math.max(0, Math.min(nProposals, options.maxRois - nValid)) : nProposals
  const all = new Float32Array(4 * (keepProposals + nValid))
  all.set(proposals.subarray(0, 4 * keepProposals))
  all.set(valid, 4 * keepProposals)
  const n = all.length / 4
  const g = truth.category.length
  const iou = g > 0 ? iouMatrix(all, truth.boxes) : new Float64Array(0)
  const match = new Int32Array(n).fill(-1)
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = -1
    let bestIou = 0
    for (let j = 0; j < g; j++) {
      if (iou[i * g + j] > bestIou) {
        bestIou = iou[i * g + j]
        best = j
      }
    }
    if (options.labelling === "reference") {
      if (best >= 0 && bestIou > options.fgIou) {
        labels[i] = classOfCategory(truth.category[best])
        match[i] = best
      }
    } else if (best >= 0 && bestIou >= options.fgIou) {
      // A RoI on an ignored box is neither foreground nor background.
      labels[i] = truth.valid[best] ? classOfCategory(truth.category[best]) : -1
      match[i] = truth.valid[best] ? best : -1
    }
  }
  let chosen: Int32Array
  if (options.labelling === "reference") chosen = Int32Array.from({ length: n }, (_, i) => i)
  else {
    const fg = shuffleInPlace(
      Int32Array.from(labels.keys()).filter((i) => labels[i] > 0),
      options.prng,
    )
    const bg = shuffleInPlace(
      Int32Array.from(labels.keys()).filter((i) => labels[i] === 0),
      options.prng,
    )
    const nFg = Math.min(fg.length, Math.floor(options.fgFraction * options.maxRois))
    const nBg = Math.min(bg.length, options.maxRois - nFg)
    chosen = new Int32Array(nFg + nBg)
    chosen.set(fg.subarray(0, nFg))
    chosen.set(bg.subarray(0, nBg), nFg)
  }
  const count = chosen.length
  const rois = pick(all, chosen)
  const outLabels = new Int32Array(count)
  const deltas = new Float32Array(4 * count)
  const fgRows: Array<number> = []
  const fgGt: Array<number> = []
  for (let k = 0; k < count; k++) {
    const i = chosen[k]
    outLabels[k] = labels[i]
    if (labels[i] > 0) {
      fgRows.push(k)
      fgGt.push(match[i])
    }
  }
  if (fgRows.length > 0) {
    const d = encodeDeltas(pick(rois, fgRows), pick(truth.boxes, fgGt), { weights: options.boxWeights })
    fgRows.forEach((k, r) => {
      deltas.set(d.subarray(4 * r, 4 * r + 4), 4 * k)
    })
  }
  return { rois, labels: outLabels, deltas, count }
}
