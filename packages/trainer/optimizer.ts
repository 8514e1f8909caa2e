import * as tf from "@tensorflow/tfjs"
import type { TrainConfig } from "./config.ts"

/** The configured optimizer (SGD with momentum, or Adam), at the configured base rate. */
export function makeOptimizer(config: TrainConfig["optimizer"]): tf.Optimizer {
  return config.kind === "sgd"
    ? tf.train.momentum(config.learningRate, config.momentum)
    : tf.train.adam(config.learningRate)
}

/** Sets the optimizer's learning rate for the next update. */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  // SGD and momentum have a setter; Adam reads its (protected) field at every update. (tfjs overrides
  // `instanceof` for optimizers, so the setter is looked up instead.)
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void }
  if (typeof o.setLearningRate === "function") o.setLearningRate(rate)
  else o.learningRate = rate
}
