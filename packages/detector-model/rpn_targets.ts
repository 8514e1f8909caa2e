import type { ChipTruth } from "@sniper/boxes"
import { encodeDeltas, iouMatrix } from "@sniper/boxes"
import { shuffleInPlace } from "@sniper/random"

/** RPN labelling rules (docs/sniper.md section 5). */
export interface RpnTargetOptions {
  readonly imageWidth: number
  readonly imageHeight: number
  readonly allowedBorder: number
  readonly fgIou: number
  readonly bgIou: number
  readonly ignoreIou: number
  readonly batchSize: number
  readonly fgFraction: number
  readonly prng: () => number
}

/** Per anchor: label 1 fg, 0 bg, -1 not sampled; `deltas` (4 per anchor, weights 1) are set for fg only. */
export interface RpnTargets {
  readonly labels: Int8Array
  readonly deltas: Float32Array
  readonly fgCount: number
  readonly bgCount: number
}

function subsample(labels: Int8Array, value: number, keep: number, prng: () => number): number {
  let count = 0
  for (const l of labels) if (l === value) count++
  if (count <= keep) return count
  const idx = new Int32Array(count)
  let k = 0
  for (let i = 0; i < labels.length; i++) if (labels[i] === value) idx[k++] = i
  shuffleInPlace(idx, prng)
  for (let i = keep; i < count; i++) labels[idx[i]] = -1
  return keep
}

/**
 * Labels one chip's anchors from its ground truth: fg if IoU >= fgIou with a valid box or the best anchor of one,
 * bg if the best IoU < bgIou, then anchors with IoU > ignoreIou to an ignored box are neither; anchors more than
 * allowedBorder px outside the chip are never labelled. Samples at most batchSize, at most fgFraction of them fg.
 */
export function rpnTargets(anchors: Float32Array, truth: ChipTruth, options: RpnTargetOptions): RpnTargets {
  const n = anchors.length / 4
  const labels = new Int8Array(n).fill(-1)
  const deltas = new Float32Array(4 * n)
  const { allowedBorder: b, imageWidth: w, imageHeight: h } = options
  const inside: Array<number> = []
  for (let i = 0; i < n; i++) {
    if (anchors[4 * i] >= -b && anchors[4 * i + 1] >= -b && anchors[4 * i + 2] < w + b && anchors[4 * i + 3] < h + b)
      inside.push(i)
  }
  const m = inside.length
  const insideAnchors = new Float32Array(4 * m)
  for (let k = 0; k < m; k++) insideAnchors.set(anchors.subarray(4 * inside[k], 4 * inside[k] + 4), 4 * k)
  const g = truth.category.length
  const iou = g > 0 ? iouMatrix(insideAnchors, truth.boxes) : new Float64Array(0)
  const best = new Int32Array(m).fill(-1)
  const bestIou = new Float64Array(m)
  const gtBest = new Float64Array(g)
  for (let k = 0; k < m; k++) {
    for (let j = 0; j < g; j++) {
      if (!truth.valid[j]) continue
      const v = iou[k * g + j]
      if (v > bestIou[k] || best[k] < 0) {
        bestIou[k] = v
        best[k] = j
      }
      if (v > gtBest[j]) gtBest[j] = v
    }
  }
  for (let k = 0; k < m; k++) {
    const i = inside[k]
    if (best[k] < 0 || bestIou[k] < options.bgIou) labels[i] = 0
    if (best[k] >= 0 && bestIou[k] >= options.fgIou) labels[i] = 1
  }
  // The best anchor(s) of each valid box are fg even below fgIou (ties all win; a box no anchor touches has none);
  // like the reference, its regression target stays its own max-IoU box.
  for (let k = 0; k < m; k++) {
    for (let j = 0; j < g; j++) {
      if (truth.valid[j] && gtBest[j] > 0 && iou[k * g + j] === gtBest[j]) {
        labels[inside[k]] = 1
      }
    }
  }
  for (let k = 0; k < m; k++) {
    for (let j = 0; j < g; j++) {
      if (!truth.valid[j] && iou[k * g + j] > options.ignoreIou) labels[inside[k]] = -1
    }
  }
  const fgCount = subsample(labels, 1, Math.floor(options.fgFraction * options.batchSize), options.prng)
  const bgCount = subsample(labels, 0, options.batchSize - fgCount, options.prng)
  const fgAnchors: Array<number> = []
  const fgBoxes: Array<number> = []
  for (let k = 0; k < m; k++) {
    const i = inside[k]
    if (labels[i] !== 1) continue
    fgAnchors.push(i)
    const j = best[k]
    fgBoxes.push(truth.boxes[4 * j], truth.boxes[4 * j + 1], truth.boxes[4 * j + 2], truth.boxes[4 * j + 3])
  }
  if (fgAnchors.length > 0) {
    const a = new Float32Array(4 * fgAnchors.length)
    fgAnchors.forEach((i, k) => {
      a.set(anchors.subarray(4 * i, 4 * i + 4), 4 * k)
    })
    const d = encodeDeltas(a, Float32Array.from(fgBoxes))
    fgAnchors.forEach((i, k) => {
      deltas.set(d.subarray(4 * k, 4 * k + 4), 4 * i)
    })
  }
  return { labels, deltas, fgCount, bgCount }
}
