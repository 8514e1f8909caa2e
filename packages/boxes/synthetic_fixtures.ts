/** Bench support: deterministic synthetic detections for the benchmark and speed experiments. */
import { Prng } from "@sniper/random"

/** Detector-like output on a 1333 x 800 image: objects of log-uniform size 16..400 px, 25 jittered boxes each. */
export function clustered(n: number, seed: number): { boxes: Float32Array; scores: Float32Array; classes: Int32Array } {
  const random = new Prng([seed]).asFunction()
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const boxes = new Float32Array(4 * n)
  const scores = new Float32Array(n)
  const classes = new Int32Array(n)
  let cx = 0
  let cy = 0
  let size = 0
  let cls = 0
  for (let i = 0; i < n; i++) {
    if (i % 25 === 0) {
      size = 16 * 25 ** random()
      cx = random() * 1333
      cy = random() * 800
      cls = Math.floor(random() * 80)
    }
    const w = size * Math.exp(0.2 * gauss())
    const h = size * Math.exp(0.2 * gauss())
    const x = cx + 0.1 * size * gauss()
    const y = cy + 0.1 * size * gauss()
    boxes.set([x - w / 2, y - h / 2, x + w / 2, y + h / 2], 4 * i)
    scores[i] = random()
    classes[i] = random() < 0.8 ? cls : Math.floor(random() * 80)
  }
  return { boxes, scores, classes }
}
