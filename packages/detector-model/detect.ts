import { batchedNms, clipBoxes, decodeDeltas } from "@sniper/boxes"
import * as tf from "@tensorflow/tfjs"
import { gridAnchors } from "./anchors.ts"
import type { Detector } from "./detector.ts"
import { boxHead, detectorFeatures, roiFeatures, rpnHead } from "./detector.ts"
import { poolRois } from "./roi_pool.ts"
import { rpnProposals } from "./rpn_proposals.ts"

/** Detections of one image: `count` boxes (x1, y1, x2, y2, input px), scores, classes 1..K, best first. */
export interface Detections {
  readonly boxes: Float32Array
  readonly scores: Float32Array
  readonly classes: Int32Array
  readonly count: number
}

/** Options of {@link detect}: per-class score threshold, per-class NMS IoU, detections kept per image. */
export interface DetectOptions {
  readonly scoreThreshold?: number
  readonly nmsIou?: number
  readonly maxDetections?: number
}

/**
 * Inference on NHWC images of any size (padded with zeros at bottom/right to a multiple of the stride):
 * test-setting proposals, box head, class-agnostic decode, clip, then per class threshold and NMS, top N.
 */
export function detect(detector: Detector, images: tf.Tensor4D, options?: DetectOptions): Array<Detections> {
  const { config } = detector
  const [n, height, width, c] = images.shape
  if (images.rank !== 4 || c !== 3 || n < 1 || height < 1 || width < 1)
    throw new RangeError(`Cannot detect: images must be [N, H, W, 3], current shape is [${images.shape}]`)
  const scoreThreshold = options?.scoreThreshold ?? 0.05
  const nmsIou = options?.nmsIou ?? 0.5
  const maxDetections = options?.maxDetections ?? 100
  const stride = config.anchors.stride
  const ph = Math.ceil(height / stride) * stride
  const pw = Math.ceil(width / stride) * stride
  return tf.tidy(() => {
    const padded =
      ph === height && pw === width
        ? images
        : tf.pad(images, [
            [0, 0],
            [0, ph - height],
            [0, pw - width],
            [0, 0],
          ])
    const features = detectorFeatures(detector, padded, false)
    const [, fh, fw] = features.shape
    const anchors = gridAnchors(fh, fw, config.anchors)
    const rpn = rpnHead(detector, features)
    const proposals = rpnProposals(anchors, rpn.logits, rpn.deltas, {
      imageWidth: width,
      imageHeight: height,
      settings: config.rpn.test,
    })
    const total = proposals.reduce((s, p) => s + p.count, 0)
    const empty = { boxes: new Float32Array(0), scores: new Float32Array(0), classes: new Int32Array(0), count: 0 }
    if (total === 0) return proposals.map(() => empty)
    const rois = new Float32Array(4 * total)
    const boxIndex = new Int32Array(total)
    let k = 0
    proposals.forEach((p, i) => {
      rois.set(p.boxes, 4 * k)
      boxIndex.fill(i, k, k + p.count)
      k += p.count
    })
    const head = boxHead(detector, poolRois(detector, roiFeatures(detector, features), rois, boxIndex))
    const probs = tf.softmax(head.logits).dataSync() as Float32Array
    const boxDeltas = head.deltas.dataSync() as Float32Array
    const k1 = config.numClasses + 1
    let offset = 0
    return proposals.map((p) => {
      const r = p.count
      const boxes = clipBoxes(
        decodeDeltas(rois.subarray(4 * offset, 4 * (offset + r)), boxDeltas.subarray(4 * offset, 4 * (offset + r)), {
          weights: config.roi.boxWeights,
        }),
        width,
        height,
      )
      const candBoxes: Array<number> = []
      const candScores: Array<number> = []
      const candClasses: Array<number> = []
      for (let i = 0; i < r; i++) {
        for (let cls = 1; cls < k1; cls++) {
          const s = probs[(offset + i) * k1 + cls]
          if (s <= scoreThreshold) continue
          candBoxes.push(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3])
          candScores.push(s)
          candClasses.push(cls)
        }
      }
      offset += r
      const cb = Float32Array.from(candBoxes)
      const keep = batchedNms(cb, candScores, Int32Array.from(candClasses), {
        iouThreshold: nmsIou,
        maxOutput: maxDetections,
      })
      const count = keep.length
      const out = {
        boxes: new Float32Array(4 * count),
        scores: new Float32Array(count),
        classes: new Int32Array(count),
        count,
      }
      keep.forEach((j, m) => {
        out.boxes.set(cb.subarray(4 * j, 4 * j + 4), 4 * m)
        out.scores[m] = candScores[j]
        out.classes[m] = candClasses[j]
      })
      return out
    })
  })
}
