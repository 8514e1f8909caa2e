import * as tf from "@tensorflow/tfjs"

/** Stand-in for @sniper/tensor-runtime's roiAlign until it lands: bilinear RoIAlign (detectron2 semantics) as a
 * dense interpolation matrix times the flattened features, differentiable through matMul on any backend.
 * Memory grows with R x oh x ow x N x H x W: tiny tests only. */
export function roiAlignStandin(
  features: tf.Tensor4D,
  boxes: Float32Array,
  boxIndex: Int32Array,
  options: { outputSize: number; spatialScale: number; samplingRatio: number; aligned: boolean },
): tf.Tensor4D {
  const [n, h, w, c] = features.shape
  const r = boxIndex.length
  const s = options.outputSize
  const sr = options.samplingRatio
  const offset = options.aligned ? 0.5 : 0
  const m = new Float32Array(r * s * s * n * h * w)
  const cols = n * h * w
  for (let i = 0; i < r; i++) {
    const base = boxIndex[i] * h * w
    const x1 = boxes[4 * i] * options.spatialScale - offset
    const y1 = boxes[4 * i + 1] * options.spatialScale - offset
    let rw = boxes[4 * i + 2] * options.spatialScale - offset - x1
    let rh = boxes[4 * i + 3] * options.spatialScale - offset - y1
    if (!options.aligned) {
      rw = Math.max(rw, 1)
      rh = Math.max(rh, 1)
    }
    const bw = rw / s
    const bh = rh / s
    const weight = 1 / (sr * sr)
    for (let py = 0; py < s; py++)
      for (let px = 0; px < s; px++) {
        const row = ((i * s + py) * s + px) * cols
        for (let iy = 0; iy < sr; iy++)
          for (let ix = 0; ix < sr; ix++) {
            let y = y1 + py * bh + ((iy + 0.5) * bh) / sr
            let x = x1 + px * bw + ((ix + 0.5) * bw) / sr
            if (y < -1 || y > h || x < -1 || x > w) continue
            y = Math.max(y, 0)
            x = Math.max(x, 0)
            let y0 = Math.floor(y)
            let x0 = Math.floor(x)
            let yy = y0 + 1
            let xx = x0 + 1
            if (y0 >= h - 1) {
              y0 = yy = h - 1
              y = y0
            }
            if (x0 >= w - 1) {
              x0 = xx = w - 1
              x = x0
            }
            const ly = y - y0
            const lx = x - x0
            m[row + base + y0 * w + x0] += weight * (1 - ly) * (1 - lx)
            m[row + base + y0 * w + xx] += weight * (1 - ly) * lx
            m[row + base + yy * w + x0] += weight * ly * (1 - lx)
            m[row + base + yy * w + xx] += weight * ly * lx
          }
      }
  }
  return tf.tidy(() => {
    const interp = tf.tensor2d(m, [r * s * s, cols])
    return tf.reshape(tf.matMul(interp, tf.reshape(features, [cols, c])), [r, s, s, c]) as tf.Tensor4D
  })
}
