import { assert, beforeAll, describe, it } from "@effect/vitest"
import { Prng } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"
import { readyBackend } from "./backend_fixtures.ts"
import type { Detector } from "./detector.ts"
import { createDetector, disposeDetector } from "./detector.ts"
import { detectorLosses } from "./losses.ts"
import { frozenBnConfig, twinTruths } from "./tiny_fixtures.ts"
import type { TrainStepOptions } from "./train_step.ts"
import { trainStep } from "./train_step.ts"

beforeAll(async () => {
  await readyBackend()
})

const truths = twinTruths()

function frozenDetector(seed: number): Detector {
  return createDetector(frozenBnConfig(), { seed })
}

function weightsOf(detector: Detector): Map<string, Float32Array> {
  return new Map(
    detector.params.trainable.map((n) => [n, Float32Array.from(detector.params.variables.get(n)!.dataSync())]),
  )
}

/** Weights before and after one step, and the step's result. */
function stepped(options: Partial<TrainStepOptions>) {
  const detector = frozenDetector(3)
  const images = tf.randomNormal([2, 64, 64, 3], 0, 1, "float32", 9) as tf.Tensor4D
  const optimizer = tf.train.sgd(0.5)
  try {
    const before = weightsOf(detector)
    const result = trainStep(detector, { images, truths }, { prng: new Prng([4]).asFunction(), ...options, optimizer })
    return { result, before, after: weightsOf(detector) }
  } finally {
    images.dispose()
    optimizer.dispose()
    disposeDetector(detector)
  }
}

function largestMove(a: Float32Array, b: Float32Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe("rpnOnly", () => {
  it("detectorLosses() with rpnOnly has zero RoI terms, the full losses' RPN terms, and no roi.* gradient", () => {
    const detector = frozenDetector(5)
    const images = tf.randomNormal([2, 64, 64, 3], 0, 1, "float32", 2) as tf.Tensor4D
    const before = tf.memory().numTensors
    const read = (rpnOnly: boolean) =>
      tf.tidy(() => {
        const t = detectorLosses(detector, { images, truths }, { prng: new Prng([7]).asFunction(), rpnOnly })
        return {
          values: [t.total, t.rpnClass, t.rpnBox, t.roiClass, t.roiBox].map((s) => s.dataSync()[0]),
          counts: t.counts,
        }
      })
    const full = read(false)
    const rpn = read(true)
    assert.strictEqual(tf.memory().numTensors, before)
    assert.isAbove(full.values[3], 0)
    assert.isAbove(full.counts.rois, 0)
    assert.strictEqual(rpn.values[1], full.values[1])
    assert.strictEqual(rpn.values[2], full.values[2])
    assert.isAbove(rpn.values[2], 0)
    assert.strictEqual(rpn.values[3], 0)
    assert.strictEqual(rpn.values[4], 0)
    assert.closeTo(rpn.values[0], full.values[1] + full.values[2], 1e-6)
    assert.deepStrictEqual(rpn.counts, { rpnFg: full.counts.rpnFg, rpnBg: full.counts.rpnBg, rois: 0, roiFg: 0 })

    const vars = detector.params.trainable.map((n) => detector.params.variables.get(n)!)
    const { value, grads } = tf.variableGrads(
      () => detectorLosses(detector, { images, truths }, { prng: new Prng([7]).asFunction(), rpnOnly: true }).total,
      vars,
    )
    const paramOf = new Map(Array.from(detector.params.variables, ([name, v]) => [v.name, name]))
    const names = Object.keys(grads).map((n) => paramOf.get(n)!)
    assert.isTrue(names.some((n) => n.startsWith("rpn.cls")))
    assert.isTrue(
      names.some((n) => !n.startsWith("rpn.") && !n.startsWith("roi.")),
      "the backbone learns",
    )
    assert.deepStrictEqual(
      names.filter((n) => n.startsWith("roi.")),
      [],
    )
    tf.dispose([value, ...Object.values(grads)])
    images.dispose()
    disposeDetector(detector)
  }, 120_000)

  it("trainStep() with rpnOnly moves the backbone and the RPN, leaves roi.* weights, reports the full step's RPN terms", () => {
    const full = stepped({ weightDecay: 1e-2 })
    const rpn = stepped({ rpnOnly: true, weightDecay: 1e-2 })
    assert.strictEqual(rpn.result.rpnClass, full.result.rpnClass)
    assert.strictEqual(rpn.result.rpnBox, full.result.rpnBox)
    assert.strictEqual(rpn.result.roiClass, 0)
    assert.strictEqual(rpn.result.roiBox, 0)
    assert.strictEqual(rpn.result.counts.rois, 0)
    let roiMoved = 0
    let rpnMoved = 0
    let fullRoiMoved = 0
    for (const [name, w] of rpn.after) {
      const move = largestMove(w, rpn.before.get(name)!)
      if (name.startsWith("roi.")) {
        roiMoved = Math.max(roiMoved, move)
        fullRoiMoved = Math.max(fullRoiMoved, largestMove(full.after.get(name)!, full.before.get(name)!))
      } else rpnMoved = Math.max(rpnMoved, move)
    }
    assert.strictEqual(roiMoved, 0)
    assert.isAbove(fullRoiMoved, 0)
    assert.isAbove(rpnMoved, 1e-4)
  }, 120_000)

  it("trainStep() with rpnOnly in passes of one chip, recomputing, makes the one-pass update", () => {
    const before = tf.memory().numTensors
    const whole = stepped({ rpnOnly: true })
    const passes = stepped({ rpnOnly: true, chipsPerPass: 1, recompute: true })
    assert.strictEqual(tf.memory().numTensors, before)
    assert.closeTo(passes.result.total, whole.result.total, 1e-5 * whole.result.total)
    let moved = 0
    let worst = 0
    for (const [name, w] of whole.after) {
      const start = whole.before.get(name)!
      const other = passes.after.get(name)!
      for (let j = 0; j < w.length; j++) {
        moved = Math.max(moved, Math.abs(w[j] - start[j]))
        worst = Math.max(worst, Math.abs(w[j] - other[j]))
      }
      if (name.startsWith("roi.")) assert.strictEqual(largestMove(other, start), 0, name)
    }
    assert.isAbove(moved, 1e-4)
    assert.isBelow(worst, 1e-4 * moved)
  }, 120_000)
})
