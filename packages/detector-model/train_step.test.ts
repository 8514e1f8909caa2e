import { assert, beforeAll, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import { readyBackend } from "./backend_fixtures.ts"
import { createDetector, disposeDetector } from "./detector.ts"
import { frozenBnConfig, twinTruths } from "./tiny_fixtures.ts"
import type { TrainStepOptions } from "./train_step.ts"
import { trainStep } from "./train_step.ts"

beforeAll(async () => {
  await readyBackend()
})

// Two chips (different pixels) with the same boxes and proposals.
const truths = twinTruths()
const chipProposals = Float32Array.from([6, 6, 40, 48, 0, 0, 30, 30, 20, 30, 60, 60, 28, 18, 62, 36])
const proposals = [chipProposals, chipProposals]

/** The weights after one SGD step, and the step's result. */
function stepped(options: Partial<TrainStepOptions>) {
  const detector = createDetector(frozenBnConfig(), { seed: 3 })
  const images = tf.randomNormal([2, 64, 64, 3], 0, 1, "float32", 9) as tf.Tensor4D
  const optimizer = options.optimizer ?? tf.train.sgd(0.5)
  try {
    const result = trainStep(
      detector,
      { images, truths },
      { prng: new Prng([4]).asFunction(), proposals, ...options, optimizer },
    )
    const names = detector.params.trainable
    return { result, weights: names.map((n) => Float32Array.from(detector.params.variables.get(n)!.dataSync())) }
  } finally {
    images.dispose()
    optimizer.dispose()
    disposeDetector(detector)
  }
}

describe("trainStep() in passes", () => {
  it("trainStep() with one chip per pass makes the one-pass update and reports the same losses and counts", () => {
    const before = tf.memory().numTensors
    const whole = stepped({})
    const passes = stepped({ chipsPerPass: 1 })
    assert.strictEqual(tf.memory().numTensors, before)
    for (const k of ["total", "rpnClass", "rpnBox", "roiClass", "roiBox"] as const)
      assert.closeTo(passes.result[k], whole.result[k], 1e-5 * Math.abs(whole.result[k]) + 1e-7, k)
    assert.deepStrictEqual(passes.result.counts, whole.result.counts)
    assert.isAbove(whole.result.counts.roiFg, 0)
    // Each weight moved by lr x gradient: the moves agree to float32 rounding, and they are not all zero.
    const initial = stepped({ chipsPerPass: 1, optimizer: tf.train.sgd(0) }).weights
    let moved = 0
    let worst = 0
    whole.weights.forEach((w, i) => {
      for (let j = 0; j < w.length; j++) {
        const a = w[j] - initial[i][j]
        const b = passes.weights[i][j] - initial[i][j]
        moved = Math.max(moved, Math.abs(a))
        worst = Math.max(worst, Math.abs(a - b))
      }
    })
    assert.isAbove(moved, 1e-3)
    assert.isBelow(worst, 1e-4 * moved)
  }, 120_000)

  it("trainStep() refuses a chipsPerPass that is not a positive integer", () => {
    assert.throws(() => stepped({ chipsPerPass: 0 }), /chipsPerPass must be a positive integer, current value is 0/)
    assert.throws(() => stepped({ chipsPerPass: 1.5 }), /current value is 1.5/)
  })
})
