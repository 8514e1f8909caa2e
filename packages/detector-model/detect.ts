import { batchedNms, clipBoxes, decodeDeltas } from "@sniper/boxes"
import * as tf from "@tensorflow/tfjs"
import { gridAnchors } from "./anchors.ts"
import type { Detector } from "./detector.ts"
import { boxHead, detectorFeatures, roiFeatures, rpnHead } from "./detector.ts"
import { type Proposals, selectProposals } from "./proposals.ts"
import { poolRois } from "./roi_pool.ts"

/**
 * Detections of one image: `count` boxes (x1, y1, x2, y2, input px, inside the image's content), scores, and
 * category rows 0..K-1 (the network's class c is row c - 1; background never appears), best first.
 */
export interface Detections {
  readonly boxes: Float32Array
  readonly scores: Float32Array
  readonly categories: Int32Array
  readonly count: number
}

/** Where an image's pixels are in its input: `width` x `height` px at the top-left, the rest zero padding. */
export interface ContentSize {
  readonly width: number
  readonly height: number
}

/** Options of {@link detect}. */
export interface DetectOptions {
  /** Per-class scores at or below this are dropped (default 0.05). */
  readonly scoreThreshold?: number
  /** Per-class NMS IoU within an image (default 0.5); 1 keeps every box (raw detections, to merge later). */
  readonly nmsIou?: number
  /** Detections kept per image over all categories (default 100; Infinity keeps all). */
  readonly maxDetections?: number
  /** Per image, the real content size in input px (default the whole input): proposals and boxes are clipped to
   * it, so a detection never reaches into the padding. */
  readonly contentSizes?: ReadonlyArray<ContentSize>
}

function checkContentSizes(sizes: ReadonlyArray<ContentSize>, n: number, width: number, height: number): void {
  if (sizes.length !== n)
    throw new RangeError(
      `Cannot detect: contentSizes must give one size per image (${n}), current length is ${sizes.length}`,
    )
  for (const [i, s] of sizes.entries()) {
    if (!(Number.isInteger(s.width) && Number.isInteger(s.height) && s.width >= 1 && s.height >= 1))
      throw new RangeError(
        `Cannot detect: content size ${i} must be positive integers, current value is ${s.width}x${s.height}`,
      )
    if (s.width > width || s.height > height)
      throw new RangeError(
        `Cannot detect: content size ${i} must fit the ${width}x${height} input, current value is ${s.width}x${s.height}`,
      )
  }
}

/**
 * Inference on NHWC images of any size (padded with zeros at bottom/right to a multiple of the stride):
 * test-setting proposals, box head, class-agnostic decode, clip to each image's content, then per category
 * threshold and NMS, top N.
 */
export function detect(detector: Detector, images: tf.Tensor4D, options?: DetectOptions): Array<Detections> {
  const { config } = detector
  const [n, height, width, c] = images.shape
  if (images.rank !== 4 || c !== 3 || n < 1 || height < 1 || width < 1)
    throw new RangeError(`Cannot detect: images must be [N, H, W, 3], current shape is [${images.shape}]`)
  const sizes = options?.contentSizes ?? Array.from({ length: n }, () => ({ width, height }))
  checkContentSizes(sizes, n, width, height)
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
    const logits = rpn.logits.dataSync() as Float32Array
    const deltas = rpn.deltas.dataSync() as Float32Array
    const perImage = anchors.length / 4
    const proposals: Array<Proposals> = sizes.map((size, i) =>
      selectProposals(
        anchors,
        {
          scores: logits.subarray(i * perImage, (i + 1) * perImage),
          deltas: deltas.subarray(4 * i * perImage, 4 * (i + 1) * perImage),
        },
        { imageWidth: size.width, imageHeight: size.height, settings: config.rpn.test },
      ),
    )
    const total = proposals.reduce((s, p) => s + p.count, 0)
    const empty = { boxes: new Float32Array(0), scores: new Float32Array(0), categories: new Int32Array(0), count: 0 }
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
    return proposals.map((p, image) => {
      const r = p.count
      const boxes = clipBoxes(
        decodeDeltas(rois.subarray(4 * offset, 4 * (offset + r)), boxDeltas.subarray(4 * offset, 4 * (offset + r)), {
          weights: config.roi.boxWeights,
        }),
        sizes[image].width,
        sizes[image].height,
      )
      const candBoxes: Array<number> = []
      const candScores: Array<number> = []
      const candCategories: Array<number> = []
      for (let i = 0; i < r; i++) {
        for (let cls = 1; cls < k1; cls++) {
          const s = probs[(offset + i) * k1 + cls]
          if (s <= scoreThreshold) continue
          candBoxes.push(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3])
          candScores.push(s)
          // Class 0 is background inside the detector; outside, categories are the data set's rows.
          candCategories.push(cls - 1)
        }
      }
      offset += r
      const cb = Float32Array.from(candBoxes)
      const keep = batchedNms(cb, candScores, Int32Array.from(candCategories), {
        iouThreshold: nmsIou,
        maxOutput: maxDetections,
      })
      const count = keep.length
      const out = {
        boxes: new Float32Array(4 * count),
        scores: new Float32Array(count),
        categories: new Int32Array(count),
        count,
      }
      keep.forEach((j, m) => {
        out.boxes.set(cb.subarray(4 * j, 4 * j + 4), 4 * m)
        out.scores[m] = candScores[j]
        out.categories[m] = candCategories[j]
      })
      return out
    })
  })
}
