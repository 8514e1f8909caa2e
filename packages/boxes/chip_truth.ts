/**
 * Ground truth of one chip as the detector trains on it, the one convention between the chip sampler (which
 * makes it) and the detector (which learns from it). N boxes (x1, y1, x2, y2), continuous, in chip input px: a
 * box covering pixels x1..x2 ends at x2 + 1. `category` is the contiguous category row, 0..K-1 (the detector
 * adds its background class itself). `valid` is 1 for a box the chip trains on and 0 for an ignored one: never
 * background, and anchors or RoIs over it get no label.
 */
export interface ChipTruth {
  readonly boxes: Float32Array
  readonly category: Int32Array
  readonly valid: Uint8Array
}
