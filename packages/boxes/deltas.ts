import { boxCount, sameKind } from "./_check.ts"
import type { BoxArray, SameKind, WidthOptions } from "./types.ts"

/** Faster R-CNN's cap on dw, dh before exp: a box grows at most 1000/16 times its anchor. */
export const defaultClampLog = Math.log(1000 / 16)

/** Options of {@link encodeDeltas}: deltas are multiplied by `weights` (1 / the reference's target stds). */
export interface DeltaOptions extends WidthOptions {
  readonly weights?: readonly [wx: number, wy: number, ww: number, wh: number] | undefined
}

/**
 * Options of {@link decodeDeltas}: `clampLog` caps dw / ww and dh / wh before exp (default log(1000/16);
 * Infinity for none, as the reference's Python `bbox_pred`).
 */
export interface DecodeOptions extends DeltaOptions {
  readonly clampLog?: number | undefined
}

function checkWeights(weights: DeltaOptions["weights"], verb: string): readonly number[] {
  const w = weights ?? [1, 1, 1, 1]
  for (const v of w) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RangeError(`Cannot ${verb}: weights must be positive finite numbers, current value is [${w}]`)
    }
  }
  return w
}

/** Number of anchors, after checking that `other` holds one box (a `what`) per anchor. */
function pairedCount(anchors: BoxArray, other: BoxArray, what: string, verb: string): number {
  const n = boxCount(anchors)
  if (boxCount(other) !== n) {
    throw new RangeError(
      `Cannot ${verb}: expected one ${what} per anchor (${n}), current value is ${boxCount(other)} ${what}s`,
    )
  }
  return n
}

/**
 * Regression targets (dx, dy, dw, dh) taking each xyxy anchor to its target box, as Faster R-CNN:
 * dx = wx (cx' - cx) / w, dw = ww log(w' / w). Same element type as `anchors`.
 */
export function encodeDeltas<T extends BoxArray>(anchors: T, targets: BoxArray, options?: DeltaOptions): SameKind<T> {
  const n = pairedCount(anchors, targets, "target", "encode deltas")
  const [wx, wy, ww, wh] = checkWeights(options?.weights, "encode deltas")
  const off = options?.plusOne ? 1 : 0
  const out = sameKind(anchors, n * 4)
  for (let k = 0; k < n * 4; k += 4) {
    const aw = anchors[k + 2] - anchors[k] + off
    const ah = anchors[k + 3] - anchors[k + 1] + off
    const tw = targets[k + 2] - targets[k] + off
    const th = targets[k + 3] - targets[k + 1] + off
    // The centre is the midpoint with or without +1: x1 + (w - off) / 2 = (x1 + x2) / 2.
    out[k] = (wx * ((targets[k] + targets[k + 2]) * 0.5 - (anchors[k] + anchors[k + 2]) * 0.5)) / aw
    out[k + 1] = (wy * ((targets[k + 1] + targets[k + 3]) * 0.5 - (anchors[k + 1] + anchors[k + 3]) * 0.5)) / ah
    out[k + 2] = ww * Math.log(tw / aw)
    out[k + 3] = wh * Math.log(th / ah)
  }
  return out
}

/**
 * Applies deltas (as {@link encodeDeltas} makes them) to xyxy anchors: the predicted boxes, same element type as
 * `anchors`. dw / ww and dh / wh are capped at `clampLog` so exp cannot overflow.
 */
export function decodeDeltas<T extends BoxArray>(anchors: T, deltas: BoxArray, options?: DecodeOptions): SameKind<T> {
  const n = pairedCount(anchors, deltas, "delta", "decode deltas")
  const [wx, wy, ww, wh] = checkWeights(options?.weights, "decode deltas")
  const clamp = options?.clampLog ?? defaultClampLog
  if (Number.isNaN(clamp)) throw new RangeError("Cannot decode deltas: clampLog must be a number, current value is NaN")
  const off = options?.plusOne ? 1 : 0
  const out = sameKind(anchors, n * 4)
  for (let k = 0; k < n * 4; k += 4) {
    const aw = anchors[k + 2] - anchors[k] + off
    const ah = anchors[k + 3] - anchors[k + 1] + off
    const cx = (anchors[k] + anchors[k + 2]) * 0.5 + (deltas[k] / wx) * aw
    const cy = (anchors[k + 1] + anchors[k + 3]) * 0.5 + (deltas[k + 1] / wy) * ah
    const dw = deltas[k + 2] / ww
    const dh = deltas[k + 3] / wh
    const halfW = (Math.exp(Math.min(dw, clamp)) * aw - off) * 0.5
    const halfH = (Math.exp(Math.min(dh, clamp)) * ah - off) * 0.5
    out[k] = cx - halfW
    out[k + 1] = cy - halfH
    out[k + 2] = cx + halfW
    out[k + 3] = cy + halfH
  }
  return out
}
