import { assert, describe, it } from "@effect/vitest"
import { sniperConfig } from "./base_config.ts"
import { quickExperiment } from "./quick.ts"
import { sniperVsPyramid } from "./sniper_vs_pyramid.ts"

describe("quickExperiment()", () => {
  const quick = quickExperiment(sniperVsPyramid)

  it("renames the experiment and shrinks its data, budget and seeds", () => {
    assert.strictEqual(quick.name, "sniper-vs-pyramid-quick")
    assert.strictEqual(quick.question, sniperVsPyramid.question)
    assert.deepStrictEqual(quick.data, { images: 10, seed: 11, valFraction: 0.4, longSide: [128, 192] })
    // 10 images at 0.4 val: 6 to train on, 4 for val.
    assert.strictEqual(Math.round(quick.data.images * quick.data.valFraction), 4)
    assert.deepStrictEqual(quick.budget, { unit: "imagePixels", like: "pyramid", epochs: 1 })
    assert.strictEqual(quick.seeds, 1)
    assert.strictEqual(quick.decayAt, sniperVsPyramid.decayAt)
  })
  it("keeps every arm's name, label and chips, with a tiny detector and batches of 8 chips", () => {
    assert.deepStrictEqual(
      quick.arms.map((a) => [a.name, a.label]),
      sniperVsPyramid.arms.map((a) => [a.name, a.label]),
    )
    quick.arms.forEach((arm, i) => {
      const { config } = arm
      assert.deepStrictEqual(config.chips, sniperVsPyramid.arms[i].config.chips)
      assert.deepStrictEqual(config.optimizer, sniperConfig.optimizer)
      assert.strictEqual(config.chipsPerBatch, 8)
      assert.strictEqual(config.checkpointEvery, 1000)
      assert.strictEqual(config.logEvery, 1)
      const { detector } = config
      assert.strictEqual(detector.backbone.width, 1 / 16)
      assert.strictEqual(detector.rpn.channels, 8)
      assert.strictEqual(detector.rpn.train.postNmsTopK, 32)
      assert.strictEqual(detector.rpn.test.postNmsTopK, 32)
      assert.strictEqual(detector.roi.channels, 4)
      assert.strictEqual(detector.roi.fcDim, 16)
      assert.deepStrictEqual(detector.anchors, sniperConfig.detector.anchors)
      assert.strictEqual(detector.rpn.train.preNmsTopK, sniperConfig.detector.rpn.train.preNmsTopK)
    })
  })
  it("gives the RPN stage of negative chips one epoch, and no negatives to arms without them", () => {
    assert.deepStrictEqual(
      quick.arms.map((a) => a.config.negatives),
      [undefined, undefined, undefined, { rpnEpochs: 1 }],
    )
    assert.isFalse(quick.arms.some((a) => "negatives" in a.config && a.config.negatives === undefined))
  })
  it("leaves the full experiment as it was", () => {
    assert.strictEqual(sniperVsPyramid.name, "sniper-vs-pyramid")
    assert.strictEqual(sniperVsPyramid.arms[0].config.detector, sniperConfig.detector)
    assert.deepStrictEqual(sniperVsPyramid.arms[3].config.negatives, { rpnEpochs: 2 })
    assert.strictEqual(sniperVsPyramid.seeds, 3)
  })
})
