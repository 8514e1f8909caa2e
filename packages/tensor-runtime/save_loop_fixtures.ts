/** Test-only child process: saves ever-changing weights to argv[2] until killed (every tensor holds one value k). */
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { saveWeights } from "./weights.ts"

const path = process.argv[2]
await tf.setBackend("cpu")
for (let k = 1; ; k++) {
  const tensors = { a: tf.fill([1024, 1024], k), b: tf.fill([512, 1024], k) }
  await Effect.runPromise(saveWeights(path, tensors, { metadata: { k: String(k) } }))
  tf.dispose(Object.values(tensors))
  process.stdout.write(`${k}\n`)
}
