/**
 * CropAndResize's gradient with respect to the image (tfjs has none), bilinear method, TensorFlow's sampling:
 * y = y1 (H - 1) + i (y2 - y1) (H - 1) / (cropH - 1), samples outside [0, H - 1] read the extrapolation value.
 * Boxes are constants here; asking for their gradient is an error.
 */
import * as tf from "@tensorflow/tfjs"

export function cropAndResizeImageGrad(
  dy: Float32Array,
  imageShape: readonly number[],
  boxes: ArrayLike<number>,
  boxIndex: ArrayLike<number>,
  [ch, cw]: readonly [number, number],
): Float32Array {
  const [, h, w, c] = imageShape
  const dx = new Float32Array(imageShape.reduce((p, q) => p * q, 1))
  for (let b = 0; b < boxIndex.length; b++) {
    const [y1, x1, y2, x2] = [boxes[4 * b], boxes[4 * b + 1], boxes[4 * b + 2], boxes[4 * b + 3]]
    const base = boxIndex[b] * h * w * c
    const hs = ch > 1 ? ((y2 - y1) * (h - 1)) / (ch - 1) : 0
    const ws = cw > 1 ? ((x2 - x1) * (w - 1)) / (cw - 1) : 0
    for (let i = 0; i < ch; i++) {
      const y = ch > 1 ? y1 * (h - 1) + i * hs : 0.5 * (y1 + y2) * (h - 1)
      if (y < 0 || y > h - 1) continue
      const top = Math.floor(y)
      const bottom = Math.ceil(y)
      const ly = y - top
      for (let j = 0; j < cw; j++) {
        const x = cw > 1 ? x1 * (w - 1) + j * ws : 0.5 * (x1 + x2) * (w - 1)
        if (x < 0 || x > w - 1) continue
        const left = Math.floor(x)
        const right = Math.ceil(x)
        const lx = x - left
        const src = ((b * ch + i) * cw + j) * c
        const corners: ReadonlyArray<readonly [number, number, number]> = [
          [top, left, (1 - ly) * (1 - lx)],
          [top, right, (1 - ly) * lx],
          [bottom, left, ly * (1 - lx)],
          [bottom, right, ly * lx],
        ]
        for (const [yy, xx, wt] of corners) {
          const dst = base + (yy * w + xx) * c
          for (let k = 0; k < c; k++) dx[dst + k] += wt * dy[src + k]
        }
      }
    }
  }
  return dx
}

export const cropAndResizeGrad: tf.GradConfig = {
  kernelName: tf.CropAndResize,
  inputsToSave: ["image", "boxes", "boxInd"],
  gradFunc: (dy, saved, attrs) => {
    const [image, boxes, boxInd] = saved
    const { method, cropSize } = attrs as unknown as { method: string; cropSize: [number, number] }
    const constant = (what: string) => () => {
      throw new TypeError(
        `Cannot differentiate cropAndResize: ${what} are constants, current request is their gradient`,
      )
    }
    return {
      image: () => {
        if (method !== "bilinear") {
          throw new RangeError(
            `Cannot differentiate cropAndResize: only bilinear is supported, current value is ${method}`,
          )
        }
        const data = cropAndResizeImageGrad(
          (dy as tf.Tensor).dataSync() as Float32Array,
          image.shape,
          boxes.dataSync(),
          boxInd.dataSync(),
          cropSize,
        )
        return tf.tensor(data, image.shape)
      },
      boxes: constant("boxes"),
      boxInd: constant("box indices"),
    }
  },
}
