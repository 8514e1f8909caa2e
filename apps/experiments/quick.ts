import type { TrainConfig } from "@sniper/trainer"
import type { Experiment } from "./experiment.ts"

/** A detector small enough to train a few steps in seconds: the experiments' at a sixteenth of the width. */
function tinyDetector(detector: TrainConfig["detector"]): TrainConfig["detector"] {
  return {
    ...detector,
    backbone: { ...detector.backbone, width: 1 / 16 },
    rpn: {
      ...detector.rpn,
      channels: 8,
      train: { ...detector.rpn.train, postNmsTopK: 32 },
      test: { ...detector.rpn.test, postNmsTopK: 32 },
    },
    roi: { ...detector.roi, channels: 4, fcDim: 16 },
  }
}

/**
 * `--quick`: the same experiment shrunk to check the whole path in a minute or two: 10 images of 128..192 px
 * (6 train, 4 val), a tiny detector, batches of 8 chips, the budget of one epoch of the reference arm (a few
 * steps an arm) and one seed; its results go to `<name>-quick/`, apart from the real ones.
 */
export function quickExperiment(experiment: Experiment): Experiment {
  return {
    ...experiment,
    name: `${experiment.name}-quick`,
    data: { images: 10, seed: experiment.data.seed, valFraction: 0.4, longSide: [128, 192] },
    arms: experiment.arms.map((arm) => ({
      ...arm,
      config: {
        ...arm.config,
        detector: tinyDetector(arm.config.detector),
        chipsPerBatch: 8,
        ...(arm.config.negatives === undefined ? {} : { negatives: { rpnEpochs: 1 } }),
        checkpointEvery: 1000,
        logEvery: 1,
      },
    })),
    budget: { ...experiment.budget, epochs: 1 },
    seeds: 1,
  }
}
