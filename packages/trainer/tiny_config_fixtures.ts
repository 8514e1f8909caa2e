/** Test-only: a training run small enough for a unit test (tiny network, 128 px chips, a few synthetic images). */
import { demoConfig, type TrainConfig } from "./config.ts"

// Tests that want a learning curve ask for one.
const { everyEpochs: _, ...demoTest } = demoConfig.test

export function tinyTrainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  const d = demoConfig.detector
  return {
    ...demoConfig,
    name: "tiny",
    data: { synthetic: { images: 5, seed: 3, valFraction: 0.4 } },
    chips: {
      ...demoConfig.chips,
      chipSize: 128,
      scales: [{ factor: 0.5 }, { factor: 0.25 }, { short: -1, long: 128 }],
    },
    detector: {
      ...d,
      backbone: { ...d.backbone, width: 1 / 16 },
      rpn: {
        ...d.rpn,
        channels: 8,
        train: { ...d.rpn.train, postNmsTopK: 32 },
        test: { ...d.rpn.test, postNmsTopK: 32 },
      },
      roi: { ...d.roi, channels: 4, fcDim: 16 },
    },
    epochs: 2,
    chipsPerBatch: 2,
    checkpointEvery: 2,
    logEvery: 1,
    test: {
      ...demoTest,
      scales: [
        { short: -1, long: 192 },
        { short: -1, long: 96 },
        { short: -1, long: 64 },
      ],
    },
    ...overrides,
  }
}

/** The tiny run with negative chips: test scales and valid ranges wide enough that its RPN's proposals leave room
 * for negative chips. */
export function tinyNegativesConfig(
  negatives: NonNullable<TrainConfig["negatives"]>,
  overrides: Partial<TrainConfig> = {},
): TrainConfig {
  const tiny = tinyTrainConfig()
  return tinyTrainConfig({
    negatives,
    chips: {
      ...tiny.chips,
      validRanges: [
        [-1, 160],
        [40, 320],
        [120, -1],
      ],
    },
    detector: {
      ...tiny.detector,
      rpn: { ...tiny.detector.rpn, test: { ...tiny.detector.rpn.test, postNmsTopK: 300 } },
    },
    test: { ...tiny.test, scales: [768, 384, 192].map((long) => ({ short: -1, long })) },
    ...overrides,
  })
}
